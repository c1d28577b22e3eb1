import { describe, expect, it } from 'vitest';
import { completeness } from './completeness.ts';

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
  ])('%j is %s', (text, kind) => {
    expect(completeness(text).kind).toBe(kind);
  });

  it('reports a real syntax error as an error, not as "more input"', () => {
    const verdict = completeness('fi');
    expect(verdict.kind).toBe('error');
  });
});
