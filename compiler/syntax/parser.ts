// The ChainWeave grammar as a chevrotain embedded-actions parser: each rule builds AST nodes directly.
// All AST construction sits inside ACTION(...) because chevrotain first *records* every rule with
// placeholder values; only grammar calls may run during recording. Error recovery is chevrotain's
// (single-token insertion/deletion, re-sync at the follow sets of items, statements and list
// elements); rules that can fail return Error placeholders so the tree is always well-formed.
//
// The rules live by construct under parser/ (as rustc's parse/parser/{item,expr,stmt,ty}.rs), one class
// per file chained by inheritance: base → type → pattern → expr → stmt → item → spec. Rules that an
// earlier file calls but a later one defines are declared in base.ts. This class closes the chain.
import { SpecParser } from "./parser/spec.ts";

export class CwlParser extends SpecParser {
  /**
   * `validate` runs chevrotain's grammar checks (ambiguities, left recursion, duplicate occurrence
   * indices). They cost about half of the start-up time, so only the test suite turns them on.
   */
  constructor(validate = false) {
    super(validate);
    // Only now does every rule of the chain exist, so only now can chevrotain record the grammar.
    this.performSelfAnalysis();
  }
}
