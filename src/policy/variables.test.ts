import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TemplateProblem } from './variables.ts';
import { parseTemplate, resolveTemplateText, templateVariableKeys } from './variables.ts';

const lookupFrom = (values: Record<string, string>) => (keyLower: string) => values[keyLower];

describe('policy variables', () => {
  it('substitutes a variable, looking its key up case-insensitively', () => {
    const t = parseTemplate('home/${AWS:UserName}/*', true);
    assert.equal(t.hasVariables, true);
    assert.deepEqual(templateVariableKeys(t), ['AWS:UserName']);
    assert.equal(resolveTemplateText(t, lookupFrom({ 'aws:username': 'alice' })), 'home/alice/*');
  });

  it('uses the default when the key is missing, and only then', () => {
    const t = parseTemplate("team-${aws:PrincipalTag/team, 'none'}", true);
    assert.equal(resolveTemplateText(t, lookupFrom({})), 'team-none');
    assert.equal(resolveTemplateText(t, lookupFrom({ 'aws:principaltag/team': 'red' })), 'team-red');
  });

  it('allows an empty default', () => {
    const t = parseTemplate("x${aws:username, ''}y", true);
    assert.equal(resolveTemplateText(t, lookupFrom({})), 'xy');
  });

  it('returns undefined when a variable has no value and no default', () => {
    const t = parseTemplate('${aws:username}', true);
    assert.equal(resolveTemplateText(t, lookupFrom({})), undefined);
  });

  it('turns ${*}, ${?} and ${$} into literal characters', () => {
    const t = parseTemplate('a${*}b${?}c${$}d', true);
    assert.equal(t.hasVariables, false);
    assert.equal(resolveTemplateText(t, lookupFrom({})), 'a*b?c$d');
    assert.deepEqual(
      t.parts.filter((p) => p.type === 'literal').map((p) => p.type === 'literal' && p.text),
      ['*', '?', '$'],
    );
  });

  it('leaves text literal when variables are disabled (Version 2008-10-17 or absent)', () => {
    const t = parseTemplate('home/${aws:username}/${*}', false);
    assert.equal(t.hasVariables, false);
    assert.equal(resolveTemplateText(t, lookupFrom({ 'aws:username': 'alice' })), 'home/${aws:username}/${*}');
  });

  it('keeps malformed variables as text and reports them', () => {
    const problems: TemplateProblem[] = [];
    const unterminated = parseTemplate('a${aws:username', true, problems);
    assert.equal(resolveTemplateText(unterminated, lookupFrom({})), 'a${aws:username');
    const badDefault = parseTemplate('${aws:username, anon}', true, problems);
    assert.equal(badDefault.hasVariables, false);
    const empty = parseTemplate('${}', true, problems);
    assert.equal(empty.hasVariables, false);
    assert.equal(problems.length, 3);
  });
});
