// The README's and docs/'s relative links resolve (issue 15, item 7): every `[text](target)` and `<a href>` that
// is not a URL points at a file of the project, and a `#fragment` into a Markdown file names one of its headings
// (GitHub's anchor rule: lower case, punctuation dropped, spaces as dashes).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The Markdown files checked: the README and everything under docs/. */
function markdownFiles(): string[] {
  const out = [join(root, 'README.md')];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.md')) out.push(p);
    }
  };
  walk(join(root, 'docs'));
  return out;
}

/** Link targets outside code spans and fenced blocks. */
function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  const targets: string[] = [];
  for (const m of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) targets.push(m[1] ?? '');
  for (const m of prose.matchAll(/<a\s[^>]*href="([^"]+)"/g)) targets.push(m[1] ?? '');
  return targets;
}

/** GitHub's anchor of a heading. */
function anchorOf(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => anchorOf((m[1] ?? '').replace(/`/g, ''))));
}

/** The problems of the relative links of `text`, the content of `file` (empty: all resolve). */
function brokenLinks(file: string, text = readFileSync(file, 'utf8')): string[] {
  const problems: string[] = [];
  for (const target of linkTargets(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, …
    const [path = '', fragment] = target.split('#');
    const resolved = path === '' ? file : join(dirname(file), decodeURIComponent(path));
    const where = `${relative(root, file)} → ${target}`;
    if (!existsSync(resolved)) {
      problems.push(`${where}: no such file`);
      continue;
    }
    if (fragment !== undefined && fragment !== '' && resolved.endsWith('.md') && !anchorsOf(resolved).has(fragment)) {
      problems.push(`${where}: no heading #${fragment}`);
    }
  }
  return problems;
}

describe('relative links of README.md and docs/', () => {
  it('docs/metrics.md exists and the README links to it', () => {
    expect(existsSync(join(root, 'docs', 'metrics.md'))).toBe(true);
    expect(linkTargets(readFileSync(join(root, 'README.md'), 'utf8')).some((t) => t.startsWith('docs/metrics.md'))).toBe(true);
  });

  it('every relative link resolves to a file, and every #fragment to a heading', () => {
    const files = markdownFiles();
    expect(files.length).toBeGreaterThan(1);
    expect(files.flatMap((f) => brokenLinks(f))).toEqual([]);
  });

  it('the checker catches what it should: a missing file, a missing heading, links in code are not links', () => {
    const readme = join(root, 'README.md');
    expect(brokenLinks(readme, '[a](docs/nope.md), [b](docs/metrics.md#no-such-section), [c](docs/metrics.md#3-the-summary)')).toEqual([
      'README.md → docs/nope.md: no such file',
      'README.md → docs/metrics.md#no-such-section: no heading #no-such-section',
    ]);
    expect(linkTargets('see [a](docs/nope.md) and `[b](not/a/link.md)` and <a href="x.md">x</a>')).toEqual(['docs/nope.md', 'x.md']);
    expect(anchorOf('3. The summary')).toBe('3-the-summary');
    expect(anchorOf('When `summary$` emits'.replace(/`/g, ''))).toBe('when-summary-emits');
    expect(anchorOf('Combining summaries: raw parts, never averages of averages')).toBe('combining-summaries-raw-parts-never-averages-of-averages');
  });
});
