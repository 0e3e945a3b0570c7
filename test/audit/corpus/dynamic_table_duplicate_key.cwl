// A read from a dynamic table whose key was pushed twice with different values: the looked-up value
// (from a hint) may be either, so the output is the prover's choice.
// expect: E0661@13
table kv: (Field, Field) = dynamic;

hint fn read(key: Field) -> Field {
    10
}

circuit Read(pub key: Field) -> Field {
    push (key, 10) into kv;
    push (key, 20) into kv;
    let v = read(key);
    lookup (key, v) in kv;
    v
}
