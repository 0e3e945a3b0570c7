// The project's seeded PRNG (base/prng), so that fuzz failures reproduce from their printed seed.
export { mulberry32 } from "../../base/prng/index.ts";
