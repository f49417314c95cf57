/**
 * Every code block of every guide (docs/guides/*.md) runs as written, twice in
 * a row, in one fresh project that installs the packed package and its
 * optional peers (see markdown-programs.ts), and every guide the index lists
 * exists and is listed: a guide whose example stops working fails here.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../support/packed.ts';
import { checkBlockKinds, describeMarkdownPrograms, devDependency, markdownFile } from './markdown-programs.ts';

const GUIDES = join(REPO_ROOT, 'docs', 'guides');
const guides = readdirSync(GUIDES)
  .filter((name) => name.endsWith('.md'))
  .sort()
  .map((name) => markdownFile(join(GUIDES, name)));

/** Relative links `](target.md)` / `](../x.md#anchor)` of a page. */
function relativeLinks(text: string): string[] {
  return [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((match) => match[1]!).filter((target) => !/^[a-z]+:/.test(target));
}


describe('guides (docs/guides)', () => {
  it('every block is a program, a checked shell command, or marked as a fragment', () => {
    assert.ok(guides.length >= 9, `expected the guides, found ${guides.length}`);
    checkBlockKinds(guides);
  });

  it('the index lists every guide, and every relative link of a guide resolves', () => {
    const index = guides.find((guide) => guide.name.endsWith('README.md'));
    assert.ok(index, 'docs/guides/README.md');
    for (const guide of guides) {
      if (guide !== index) assert.ok(index.text.includes(`](${guide.name.split('/').pop()})`), `the index links ${guide.name}`);
      for (const target of relativeLinks(guide.text)) {
        assert.ok(existsSync(join(GUIDES, target)), `${guide.name}: the link \`${target}\` resolves`);
      }
    }
  });

  // The LangGraph migration guide runs a real StateGraph: LangGraph itself, as its users have it.
  describeMarkdownPrograms('run against the packed package', guides, { timeoutMs: 600_000, extraDependencies: [devDependency('@langchain/langgraph')] });
});
