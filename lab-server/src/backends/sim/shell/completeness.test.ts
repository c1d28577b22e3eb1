import { describe, expect, it } from 'vitest';
import { completeness, hasHeredocs, quoteLiteralHeredocs } from './completeness.ts';

describe('completeness', () => {
  it.each([
    ['echo hi', 'complete'],
    ['echo "abc', 'incomplete'],
    ["echo 'x", 'incomplete'],
    ['f() {', 'incomplete'],
    ['if true; then', 'incomplete'],
    ['for i in 1 2; do', 'incomplete'],
    ['echo $(ls', 'incomplete'],
    ['cat <<EOF', 'incomplete'],
    ['cat <<EOF\nhi', 'incomplete'],
    ['cat <<EOF\nhi\nEOF', 'complete'],
    ["kubectl apply -f - <<'EOF'\napiVersion: v1\nkind: Namespace\nEOF", 'complete'],
    ['cat <<-END\n\thi\n\tEND', 'complete'],
    ['cat <<< "here string"', 'complete'],
    ['echo "<<EOF"', 'complete'],
    ['echo a |', 'incomplete'],
    ['echo a &&', 'incomplete'],
    ['echo a ||', 'incomplete'],
    ['echo a \\', 'incomplete'],
    ['echo a \\\\', 'complete'],
    ['echo a # trailing |', 'complete'],
    ['echo "a\nb"', 'complete'],
    ['f() {\necho x\n}', 'complete'],
    // Arithmetic shifts bits: bash prints 4 here, it does not wait for a heredoc's "2))".
    ['echo $((1<<2))', 'complete'],
    ['echo $(( 1 << 3 )) $((2<<1))', 'complete'],
    ['echo $(( (1+1) << 2 )) && cat <<EOF', 'incomplete'],
  ])('%j is %s', (text, kind) => {
    expect(completeness(text).kind).toBe(kind);
  });

  it('reports a real syntax error as an error, not as "more input"', () => {
    const verdict = completeness('fi');
    expect(verdict.kind).toBe('error');
  });

  it('tells a line with a heredoc by scanning it, as the parse would', () => {
    expect(hasHeredocs('cat <<EOF\nhi\nEOF')).toBe(true);
    expect(hasHeredocs("x=$(cat <<'END'\na\nEND\n)")).toBe(true);
    expect(hasHeredocs('echo "<<EOF"; cat <<< word; echo $((1<<2)) # <<X')).toBe(false);
  });

  it('quotes the delimiter of a heredoc whose body bash would expand to itself, and only those', () => {
    expect(quoteLiteralHeredocs('cat <<EOF\nkind: x\nEOF')).toBe("cat <<'EOF'\nkind: x\nEOF");
    expect(quoteLiteralHeredocs('cat <<-END >f\n\ta\n\tEND')).toBe("cat <<-'END' >f\n\ta\n\tEND");
    // Bodies that expand stay as typed: a variable, a command substitution, a backslash.
    for (const body of ['name: $NAME', 'at: `date`', 'a \\$b'])
      expect(quoteLiteralHeredocs(`cat <<EOF\n${body}\nEOF`)).toBe(`cat <<EOF\n${body}\nEOF`);
    // Already quoted, partly quoted, unclosed, a here-string, arithmetic: as typed.
    for (const text of ["cat <<'EOF'\na\nEOF", 'cat <<E"OF"\na\nEOF', 'cat <<EOF\na', 'cat <<< a', 'echo $((1<<2))'])
      expect(quoteLiteralHeredocs(text)).toBe(text);
    // Two on one line: each by its own body.
    expect(quoteLiteralHeredocs('cat <<A - <<B\n1\nA\n$x\nB\necho <<C\nc\nC')).toBe(
      "cat <<'A' - <<B\n1\nA\n$x\nB\necho <<'C'\nc\nC",
    );
  });
});
