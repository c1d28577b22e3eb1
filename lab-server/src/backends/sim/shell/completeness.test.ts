import { describe, expect, it } from 'vitest';
import { completeness, hasHeredocs } from './completeness.ts';

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
});
