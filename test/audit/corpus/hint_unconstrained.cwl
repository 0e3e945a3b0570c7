// A hint's result feeds the output but no constraint ties it to anything.
// expect: E0660@8 E0661 E0662
hint fn double(x: Field) -> Field {
    x + x
}

circuit Double(priv x: Field) -> Field {
    let y = double(x);
    y + 1
}
