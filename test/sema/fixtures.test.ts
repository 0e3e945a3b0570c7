// Fixture folders by outcome (Noir's test_programs layout): compile_success, compile_failure (with
// `// expect: E0xxx @ line:col` lines), execution_success (.json input, .expected.json result) and
// execution_failure (.json input, expected interpreter diagnostics). Adding a test = adding a file.
import { existsSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { compileFile, runPasses } from "../../compiler/pipeline/index.ts";
import { FileManager } from "../../base/files/index.ts";
import { parseText, printModule } from "../../compiler/ir/index.ts";
import { encodeJson, run } from "../../compiler/interp/index.ts";
import { expectations, fixtures, located } from "./harness.ts";

function compile(path: string) {
  const fm = new FileManager();
  const r = compileFile(path, { fm });
  return { ...r, fm };
}

describe("compile_success", () => {
  for (const path of fixtures("compile_success")) {
    it(basename(path), () => {
      const r = compile(path);
      expect(located(r.diagnostics, r.fm, r.file?.id)).toEqual([]);
      expect(r.ir).toBeDefined();
      // The lowering round-trips through the CWIR text form.
      const text = printModule(r.ir!);
      const parsed = parseText(text);
      expect(parsed.diagnostics).toEqual([]);
      expect(printModule(parsed.module)).toBe(text);
    });
  }
});

describe("compile_failure", () => {
  for (const path of fixtures("compile_failure")) {
    it(basename(path), () => {
      const r = compile(path);
      const want = expectations(path).map((e) => `${e.code} @ ${e.line}:${e.col}`).sort();
      expect(want.length).toBeGreaterThan(0);
      expect(located(r.diagnostics, r.fm, r.file?.id)).toEqual(want);
      // Every diagnostic is user-facing: a message and a span inside the file.
      for (const d of r.diagnostics) {
        expect(d.message.length).toBeGreaterThan(5);
        expect(d.span).toBeDefined();
      }
    });
  }
});

function runFixture(path: string) {
  const r = compile(path);
  expect(located(r.diagnostics, r.fm, r.file?.id)).toEqual([]);
  const inputs = JSON.parse(readFileSync(path.replace(/\.cwl$/, ".json"), "utf8")) as Record<string, unknown>;
  const entry = r.checked!.entries.find((i) => i.item.kind !== "Fn" && i.concrete)!;
  return { r, res: run(r.ir!, { entry: entry.irName, inputs }), entry: r.ir!.func(entry.irName)! };
}

describe("execution_success", () => {
  for (const path of fixtures("execution_success")) {
    it(basename(path), () => {
      const { r, res, entry } = runFixture(path);
      expect(located(res.diagnostics, r.fm, r.file?.id)).toEqual([]);
      const got: Record<string, unknown> = { ok: res.ok };
      if (res.outputsJson.length) got.outputs = res.outputsJson;
      if (res.revealed.length) got.revealed = res.revealed.map((x) => x.json);
      if (entry.kind === "kernel") {
        const bufs: Record<string, unknown> = {};
        res.buffers.forEach((b, i) => {
          if (!b || entry.paramAttrs[i]?.access !== "read_write") return;
          const t = entry.args[i].type;
          bufs[entry.paramAttrs[i].name as string] = b.map((v) => encodeJson(r.ir!, t.kind === "mem" ? t.elem : t, v));
        });
        got.buffers = bufs;
      }
      const expectedPath = path.replace(/\.cwl$/, ".expected.json");
      expect(existsSync(expectedPath)).toBe(true);
      expect(got).toEqual(JSON.parse(readFileSync(expectedPath, "utf8")));
    });
  }
});

describe("execution_success after the default pass pipeline", () => {
  // The passes must preserve what the lowering means: same outputs after inline/unroll/fold/select/CSE/DCE.
  for (const path of fixtures("execution_success")) {
    it(basename(path), () => {
      const r = compile(path);
      const before = runFixture(path).res;
      const ds = runPasses(r.ir!, "default");
      expect(ds).toEqual([]);
      const inputs = JSON.parse(readFileSync(path.replace(/\.cwl$/, ".json"), "utf8")) as Record<string, unknown>;
      const entry = r.checked!.entries.find((i) => i.item.kind !== "Fn" && i.concrete)!;
      const after = run(r.ir!, { entry: entry.irName, inputs });
      expect(after.diagnostics).toEqual([]);
      expect(after.outputsJson).toEqual(before.outputsJson);
      expect(after.revealed.map((x) => x.json)).toEqual(before.revealed.map((x) => x.json));
    });
  }
});

describe("execution_failure", () => {
  for (const path of fixtures("execution_failure")) {
    it(basename(path), () => {
      const { r, res } = runFixture(path);
      expect(res.ok).toBe(false);
      const want = expectations(path).map((e) => `${e.code} @ ${e.line}:${e.col}`).sort();
      expect(located(res.diagnostics, r.fm, r.file?.id)).toEqual(want);
    });
  }
});
