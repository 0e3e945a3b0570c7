// Limits of the language that more than one stage checks: sema on the source (with a span and a hint),
// the IR verifier on CWIR from any producer. One definition, below every stage that reads it.

/** Columns of a dynamic table at most (the PLONKish lookup tuple has one more: the table's tag). */
export const MAX_DYNAMIC_COLUMNS = 8;
