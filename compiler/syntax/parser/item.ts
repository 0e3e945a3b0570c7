// The module and its items: use, mod, const, struct, fn, field, table, type aliases, circuits and the
// other callables, with generic parameters and parameter lists.
import type * as A from "../ast.ts";
import * as T from "../lexer.ts";
import { anon } from "./base.ts";
import { StmtParser } from "./stmt.ts";

export abstract class ItemParser extends StmtParser {
  /** Items parsed so far, so that a failure that unwinds to the top still keeps them. */
  private topItems: A.Item[] = [];

  private moduleNode(): A.Module {
    return {
      kind: "Module",
      file: this.fileId,
      items: this.topItems,
      span: { file: this.fileId, start: 0, end: this.text.length },
    };
  }

  module = this.RULE(
    "module",
    (): A.Module => {
      this.ACTION(() => (this.topItems = []));
      this.MANY(() => {
        const it = this.SUBRULE(this.item);
        this.ACTION(() => it && this.topItems.push(it));
      });
      return this.ACTION(() => this.moduleNode());
    },
    { recoveryValueFunc: () => this.moduleNode() },
  );

  attribute = this.RULE("attribute", (): A.Attribute => {
    const s = this.ACTION(() => this.here());
    this.CONSUME(T.At);
    const name = this.CONSUME(T.Ident);
    let args: A.Expr[] = [];
    this.OPTION(() => {
      args = this.SUBRULE(this.argList);
    });
    return this.ACTION(() => ({ kind: "Attribute", name: this.ident(name), args, span: this.span(s) }));
  });

  item = this.RULE(
    "item",
    (): A.Item => {
      const s = this.ACTION(() => this.here());
      const attrs: A.Attribute[] = [];
      this.MANY(() => {
        const a = this.SUBRULE(this.attribute);
        attrs.push(a);
      });
      const pub = this.OPTION(() => this.CONSUME(T.Pub));
      const it: A.Item = this.OR([
        { ALT: anon(() => this.SUBRULE(this.useItem)) },
        { ALT: anon(() => this.SUBRULE(this.modItem)) },
        { ALT: anon(() => this.SUBRULE(this.constItem)) },
        { ALT: anon(() => this.SUBRULE(this.structItem)) },
        { ALT: anon(() => this.SUBRULE(this.fnItem)) },
        { ALT: anon(() => this.SUBRULE(this.fieldItem)) },
        { ALT: anon(() => this.SUBRULE(this.tableItem)) },
        { ALT: anon(() => this.SUBRULE(this.typeAliasItem)) },
        { ALT: anon(() => this.SUBRULE(this.callableItem)) },
        { ALT: anon(() => this.SUBRULE(this.specItem)) },
      ]);
      return this.ACTION(() => {
        if (!it) return it;
        it.attrs = attrs;
        it.isPub = pub !== undefined;
        it.span = this.span(s);
        return it;
      });
    },
    { recoveryValueFunc: () => undefined as unknown as A.Item },
  );

  protected base(): A.ItemBase {
    return { attrs: [], isPub: false, span: { file: this.fileId, start: 0, end: 0 } };
  }

  useItem = this.RULE("useItem", (): A.UseItem => {
    this.CONSUME(T.Use);
    const tree = this.SUBRULE(this.useTree);
    this.CONSUME(T.Semi);
    return this.ACTION(() => ({ ...this.base(), kind: "Use", tree }));
  });

  useTree = this.RULE("useTree", (): A.UseTree => {
    const s = this.ACTION(() => this.here());
    const prefix: A.Ident[] = [];
    let alias: A.Ident | undefined;
    let group: A.UseTree[] | undefined;
    let glob = false;
    this.OR([
      {
        ALT: anon(() => {
          const first = this.CONSUME(T.Ident);
          this.ACTION(() => prefix.push(this.ident(first)));
          this.MANY2(() => {
            this.CONSUME(T.ColonColon);
            const seg = this.CONSUME2(T.Ident);
            this.ACTION(() => prefix.push(this.ident(seg)));
          });
          this.OPTION3(() => {
            this.OR2([
              {
                ALT: anon(() => {
                  this.CONSUME2(T.ColonColon);
                  this.OR3([
                    { ALT: () => (group = this.SUBRULE(this.useGroup)) },
                    {
                      ALT: () => {
                        this.CONSUME(T.Star);
                        glob = true;
                      },
                    },
                  ]);
                }),
              },
              {
                ALT: anon(() => {
                  this.CONSUME(T.As);
                  const a = this.CONSUME3(T.Ident);
                  this.ACTION(() => (alias = this.ident(a)));
                }),
              },
            ]);
          });
        }),
      },
      { ALT: anon(() => (group = this.SUBRULE2(this.useGroup))) },
      {
        ALT: anon(() => {
          this.CONSUME2(T.Star);
          glob = true;
        }),
      },
    ]);
    return this.ACTION(() => ({ kind: "UseTree", prefix, alias, group, glob, span: this.span(s) }));
  });

  useGroup = this.RULE("useGroup", (): A.UseTree[] => {
    const g: A.UseTree[] = [];
    this.CONSUME(T.LBrace);
    this.OPTION(() => {
      g.push(this.SUBRULE(this.useTree));
      this.MANY(() => {
        this.CONSUME(T.Comma);
        g.push(this.SUBRULE2(this.useTree));
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RBrace);
    return g;
  });

  modItem = this.RULE("modItem", (): A.ModItem => {
    this.CONSUME(T.Mod);
    const name = this.CONSUME(T.Ident);
    let items: A.Item[] | undefined;
    this.OR([
      { ALT: anon(() => this.CONSUME(T.Semi)) },
      {
        ALT: anon(() => {
          this.CONSUME(T.LBrace);
          const list: A.Item[] = [];
          this.MANY(() => {
            const it = this.SUBRULE(this.item);
            this.ACTION(() => it && list.push(it));
          });
          this.CONSUME(T.RBrace);
          items = list;
        }),
      },
    ]);
    return this.ACTION(() => ({ ...this.base(), kind: "Mod", name: this.ident(name), items }));
  });

  constItem = this.RULE("constItem", (): A.ConstItem => {
    this.CONSUME(T.Const);
    const name = this.CONSUME(T.Ident);
    let type: A.Type | undefined;
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      type = this.SUBRULE(this.type);
    });
    this.CONSUME(T.Eq);
    const value = this.SUBRULE(this.expr);
    this.CONSUME(T.Semi);
    return this.ACTION(() => ({ ...this.base(), kind: "Const", name: this.ident(name), type, value }));
  });

  structItem = this.RULE("structItem", (): A.StructItem => {
    this.CONSUME(T.Struct);
    const name = this.CONSUME(T.Ident);
    let generics: A.GenericParam[] = [];
    this.OPTION(() => (generics = this.SUBRULE(this.genericParams)));
    const fields: A.FieldDecl[] = [];
    this.CONSUME(T.LBrace);
    // Separators are checked by hand so that a missing `,` costs one diagnostic, not the struct.
    this.MANY(() => {
      fields.push(this.SUBRULE(this.fieldDecl));
      this.separator("struct fields", T.RBrace);
    });
    this.CONSUME(T.RBrace);
    return this.ACTION(() => ({ ...this.base(), kind: "Struct", name: this.ident(name), generics, fields }));
  });

  fieldDecl = this.RULE("fieldDecl", (): A.FieldDecl => {
    const s = this.ACTION(() => this.here());
    const attrs: A.Attribute[] = [];
    this.MANY(() => attrs.push(this.SUBRULE(this.attribute)));
    const pub = this.OPTION(() => this.CONSUME(T.Pub));
    const name = this.CONSUME(T.Ident);
    this.CONSUME(T.Colon);
    const type = this.SUBRULE(this.type);
    return this.ACTION(() => ({
      kind: "FieldDecl",
      attrs,
      isPub: pub !== undefined,
      name: this.ident(name),
      type,
      span: this.span(s),
    }));
  });

  fnItem = this.RULE("fnItem", (): A.FnItem => {
    const hint = this.OPTION(() => this.CONSUME(T.Hint));
    this.CONSUME(T.Fn);
    const name = this.CONSUME(T.Ident);
    let generics: A.GenericParam[] = [];
    this.OPTION2(() => (generics = this.SUBRULE(this.genericParams)));
    const params = this.SUBRULE(this.paramList);
    let ret: A.Type | undefined;
    this.OPTION3(() => {
      this.CONSUME(T.Arrow);
      ret = this.SUBRULE(this.type);
    });
    const body = this.SUBRULE(this.block);
    return this.ACTION(() => ({
      ...this.base(),
      kind: "Fn",
      hint: hint !== undefined,
      name: this.ident(name),
      generics,
      params,
      ret,
      body,
    }));
  });

  fieldItem = this.RULE("fieldItem", (): A.FieldItem => {
    this.CONSUME(T.FieldKw);
    const name = this.CONSUME(T.Ident);
    this.CONSUME(T.Eq);
    const modulus = this.SUBRULE(this.expr);
    this.CONSUME(T.Semi);
    return this.ACTION(() => ({ ...this.base(), kind: "PrimeField", name: this.ident(name), modulus }));
  });

  tableItem = this.RULE("tableItem", (): A.TableItem => {
    this.CONSUME(T.Table);
    const name = this.CONSUME(T.Ident);
    this.CONSUME(T.Colon);
    const type = this.SUBRULE(this.type);
    this.CONSUME(T.Eq);
    let value: A.Expr | undefined;
    let dynamic: true | undefined;
    this.OR([
      {
        // `dynamic` is a word only here, right before the `;`: `= dynamic + 1` is an expression.
        GATE: anon(() => this.LA(2).tokenType === T.Semi),
        IGNORE_AMBIGUITIES: true,
        ALT: anon(() => {
          this.CONSUME(T.Dynamic);
          this.ACTION(() => (dynamic = true));
        }),
      },
      { ALT: anon(() => (value = this.SUBRULE(this.expr))) },
    ]);
    this.CONSUME(T.Semi);
    return this.ACTION(() => ({ ...this.base(), kind: "Table", name: this.ident(name), type, value, dynamic }));
  });

  typeAliasItem = this.RULE("typeAliasItem", (): A.TypeAliasItem => {
    this.CONSUME(T.Type);
    const name = this.CONSUME(T.Ident);
    let generics: A.GenericParam[] = [];
    this.OPTION(() => (generics = this.SUBRULE(this.genericParams)));
    this.CONSUME(T.Eq);
    const type = this.SUBRULE(this.type);
    this.CONSUME(T.Semi);
    return this.ACTION(() => ({ ...this.base(), kind: "TypeAlias", name: this.ident(name), generics, type }));
  });

  /** circuit / program / protocol / kernel share one shape: name, generics, params, return type, body. */
  callableItem = this.RULE("callableItem", (): A.CircuitItem | A.ProgramItem | A.ProtocolItem | A.KernelItem => {
    const kw = this.OR([
      { ALT: anon(() => this.CONSUME(T.Circuit)) },
      { ALT: anon(() => this.CONSUME(T.Program)) },
      { ALT: anon(() => this.CONSUME(T.Protocol)) },
      { ALT: anon(() => this.CONSUME(T.Kernel)) },
    ]);
    const name = this.CONSUME(T.Ident);
    let generics: A.GenericParam[] = [];
    this.OPTION(() => (generics = this.SUBRULE(this.genericParams)));
    const params = this.SUBRULE(this.paramList);
    let ret: A.Type | undefined;
    this.OPTION2(() => {
      this.CONSUME(T.Arrow);
      ret = this.SUBRULE(this.type);
    });
    const body = this.SUBRULE(this.block);
    return this.ACTION(() => {
      const kind = ({ circuit: "Circuit", program: "Program", protocol: "Protocol", kernel: "Kernel" } as const)[
        kw.image as "circuit"
      ];
      return { ...this.base(), kind, name: this.ident(name), generics, params, ret, body };
    });
  });

  genericParams = this.RULE("genericParams", (): A.GenericParam[] => {
    const list: A.GenericParam[] = [];
    this.CONSUME(T.Lt);
    this.OPTION(() => {
      list.push(this.SUBRULE(this.genericParam));
      this.MANY(() => {
        this.CONSUME(T.Comma);
        list.push(this.SUBRULE2(this.genericParam));
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.Gt);
    return list;
  });

  genericParam = this.RULE("genericParam", (): A.GenericParam => {
    const s = this.ACTION(() => this.here());
    return this.OR([
      {
        ALT: anon(() => {
          this.CONSUME(T.Const);
          const name = this.CONSUME(T.Ident);
          this.CONSUME(T.Colon);
          const type = this.SUBRULE(this.type);
          let def: A.Expr | undefined;
          this.OPTION(() => {
            this.CONSUME(T.Eq);
            def = this.SUBRULE(this.primary);
          });
          return this.ACTION((): A.ConstParam => ({
            kind: "ConstParam",
            name: this.ident(name),
            type,
            default: def,
            span: this.span(s),
          }));
        }),
      },
      {
        ALT: anon(() => {
          const name = this.CONSUME2(T.Ident);
          const bounds: A.Path[] = [];
          this.OPTION2(() => {
            this.CONSUME2(T.Colon);
            bounds.push(this.SUBRULE(this.typePath));
            this.MANY(() => {
              this.CONSUME(T.Plus);
              bounds.push(this.SUBRULE2(this.typePath));
            });
          });
          return this.ACTION((): A.TypeParam => ({
            kind: "TypeParam",
            name: this.ident(name),
            bounds,
            span: this.span(s),
          }));
        }),
      },
    ]);
  });

  paramList = this.RULE("paramList", (): A.Param[] => {
    const list: A.Param[] = [];
    this.CONSUME(T.LParen);
    this.MANY(() => {
      list.push(this.SUBRULE(this.param));
      this.separator("parameters", T.RParen);
    });
    this.CONSUME(T.RParen);
    return list;
  });

  param = this.RULE("param", (): A.Param => {
    const s = this.ACTION(() => this.here());
    const attrs: A.Attribute[] = [];
    this.MANY(() => attrs.push(this.SUBRULE(this.attribute)));
    let qualifier: A.ParamQualifier | undefined;
    let party: A.Expr | undefined;
    this.OPTION(() => {
      const q = this.OR([
        { ALT: anon(() => this.CONSUME(T.Pub)) },
        { ALT: anon(() => this.CONSUME(T.Priv)) },
        { ALT: anon(() => this.CONSUME(T.Secret)) },
        { ALT: anon(() => this.CONSUME(T.Public)) },
      ]);
      this.ACTION(() => (qualifier = q.image as A.ParamQualifier));
      this.OPTION2(() => {
        this.CONSUME(T.LParen);
        party = this.SUBRULE(this.expr);
        this.CONSUME(T.RParen);
      });
    });
    const mut = this.OPTION3(() => this.CONSUME(T.Mut));
    const name = this.CONSUME(T.Ident);
    this.CONSUME(T.Colon);
    const type = this.SUBRULE(this.type);
    return this.ACTION(() => {
      if (party && qualifier !== "secret" && qualifier !== "public")
        this.report(
          "E0016",
          `a party index is only allowed after \`secret\` or \`public\``,
          party.span,
          "write `secret(0) x: T` for an input of party 0",
        );
      return {
        kind: "Param" as const,
        attrs,
        qualifier,
        party,
        mutable: mut !== undefined,
        name: this.ident(name),
        type,
        span: this.span(s),
      };
    });
  });
}
