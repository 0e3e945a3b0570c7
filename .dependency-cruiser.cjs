// The import rules of the tiers (spec/architecture.md): tooling → compiler, backends → runtime → base.
// One rule per arrow; test/architecture/deps.test.ts runs them in `npm test` and proves each one fires.
//   npx depcruise base compiler backends runtime tooling --config .dependency-cruiser.cjs
/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "runtime-imports-runtime-and-base",
      comment: "runtime/ executes artifacts taken as data: it imports nothing from compiler/, backends/, tooling/ or stdlib/.",
      severity: "error",
      from: { path: "^runtime/" },
      to: { path: "^(compiler|backends|tooling|stdlib)/" },
    },
    {
      name: "base-imports-base",
      comment: "base/ (source files, spans, diagnostics) sits under every tier and imports none of them.",
      severity: "error",
      from: { path: "^base/" },
      to: { path: "^(compiler|backends|runtime|tooling|stdlib)/" },
    },
    {
      name: "compiler-imports-no-backend-or-tooling",
      comment: "compiler/ produces CWIR; what consumes it (backends/) and what a user runs (tooling/) sit beside or above it.",
      severity: "error",
      from: { path: "^compiler/" },
      to: { path: "^(backends|tooling)/" },
    },
    {
      name: "backends-import-no-tooling",
      comment: "backends/ turn CWIR into artifacts; the commands and the artifact assembly that drive them are tooling/.",
      severity: "error",
      from: { path: "^backends/" },
      to: { path: "^tooling/" },
    },
    {
      name: "backend-imports-no-other-backend",
      comment: "A backend imports no other backend; the shared kernel lowering (backends/kernels) is the one folder kernel backends share.",
      severity: "error",
      from: { path: "^backends/([^/]+)/", pathNot: "^backends/kernels/" },
      to: { path: "^backends/", pathNot: ["^backends/$1/", "^backends/kernels/"] },
    },
    {
      name: "kernel-lowering-imports-no-backend",
      comment: "backends/kernels is shared by the kernel backends, so it imports none of them.",
      severity: "error",
      from: { path: "^backends/kernels/" },
      to: { path: "^backends/", pathNot: "^backends/kernels/" },
    },
    {
      name: "front-end-imports-no-later-stage",
      comment: "syntax → sema → lower → ir → passes: the parser and the checker import no later stage (a limit both check lives in compiler/limits.ts).",
      severity: "error",
      from: { path: "^compiler/(syntax|sema)/" },
      to: { path: "^compiler/(lower|ir|passes|interp|spec|pipeline)/" },
    },
    {
      name: "ir-imports-no-front-end",
      comment: "CWIR stands alone (its text form is an input of its own): compiler/ir imports no stage before or after it.",
      severity: "error",
      from: { path: "^compiler/ir/" },
      to: { path: "^compiler/(syntax|sema|lower|passes|interp|spec|pipeline|wasm)/" },
    },
    {
      name: "no-folder-cycles",
      comment: "Folders import each other one way: a cycle between folders makes neither understandable alone.",
      severity: "error",
      scope: "folder",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)node_modules/" },
    // Type-only imports count: a runtime that names a compiler type still depends on the compiler.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: [".ts", ".mjs", ".js", ".json"] },
  },
};
