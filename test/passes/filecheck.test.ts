// The FileCheck harness must be able to fail: each directive kind is exercised on a passing and a failing case.
import { describe, expect, it } from "vitest";
import { fileCheck, parseDirectives } from "./filecheck.ts";

const out = ["circuit @c(%0: i32) {", "  %1 = i.add %0, %0 : i32", "  %2 = i.mul %1, %1 : i32", "  cf.return %2", "}"].join("\n");
const check = (lines: string[]) => fileCheck(out, parseDirectives(lines.join("\n")));

describe("filecheck", () => {
  it("CHECK matches in order, with captures and regexes", () => {
    expect(check(["// CHECK: [[X:%[0-9]+]] = i.add", "// CHECK: i.mul [[X]], [[X]]", "// CHECK: cf.return {{%[0-9]}}"])).toBeUndefined();
    expect(check(["// CHECK: i.mul", "// CHECK: i.add"])).toMatch(/not found/);
    expect(check(["// CHECK: [[X:%[0-9]+]] = i.add", "// CHECK: i.mul %0, [[X]]"])).toMatch(/not found/);
  });
  it("CHECK-NEXT requires the very next line", () => {
    expect(check(["// CHECK: i.add", "// CHECK-NEXT: i.mul"])).toBeUndefined();
    expect(check(["// CHECK: i.add", "// CHECK-NEXT: cf.return"])).toMatch(/CHECK-NEXT/);
  });
  it("CHECK-NOT forbids a match between its neighbours", () => {
    expect(check(["// CHECK: i.add", "// CHECK-NOT: i.add", "// CHECK: cf.return"])).toBeUndefined();
    expect(check(["// CHECK: circuit", "// CHECK-NOT: i.mul", "// CHECK: cf.return"])).toMatch(/CHECK-NOT/);
    expect(check(["// CHECK-NOT: f.add"])).toBeUndefined();
    expect(check(["// CHECK-NOT: i.add"])).toMatch(/CHECK-NOT/);
  });
  it("CHECK-COUNT-n counts matching lines", () => {
    expect(check(["// CHECK-COUNT-2: {{%[12]}} ="])).toBeUndefined();
    expect(check(["// CHECK-COUNT-3: {{%[12]}} ="])).toMatch(/matched 2/);
  });
});
