// The import ladder of architecture.md is enforced by the project's own ESLint config: a deliberate wrong arrow
// (each fixture below, linted as if it lived at `filePath`) must fail, and the right arrow must pass.

import { ESLint, type Linter } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

// The block of the real config that carries the ladder (no copy of it here: if the block goes, this test fails).
const configUrl = new URL('../../eslint.config.js', import.meta.url).href;
const projectConfig = ((await import(configUrl)) as { default: Linter.Config[] }).default;
const ladderBlock = projectConfig.find((c) => c.rules?.['import-x/no-restricted-paths'] !== undefined);

async function lint(filePath: string, code: string): Promise<string[]> {
  if (!ladderBlock) throw new Error('eslint.config.js has no import-x/no-restricted-paths block');
  const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: [{ ...ladderBlock, languageOptions: { parser: (await import('typescript-eslint')).parser } }] });
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('the import ladder (architecture.md)', () => {
  it('refuses session → socket (a box importing a higher rung)', async () => {
    const messages = await lint('src/session/wrong-arrow.ts', "import { createConnection } from '../socket/connection.js';\nexport const x = createConnection;\n");
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/import-x\/no-restricted-paths: .*'session' \(rung 4\)/);
  });

  it('refuses metrics → session (same rung)', async () => {
    const messages = await lint('src/metrics/wrong-arrow.ts', "import { createSession } from '../session/session.js';\nexport const x = createSession;\n");
    expect(messages).toHaveLength(1);
  });

  it('refuses the emulator importing client code, and client code importing the emulator', async () => {
    expect(await lint('src/emulator/wrong-arrow.ts', "import { connect } from '../client.js';\nexport const x = connect;\n")).toHaveLength(1);
    expect(await lint('src/serve/wrong-arrow.ts', "import { startEmulator } from '../emulator/index.js';\nexport const x = startEmulator;\n")).toHaveLength(1);
  });

  it('lets the right arrows through: socket → session, session → retry, emulator → catalogue, cli → emulator', async () => {
    expect(await lint('src/socket/right-arrow.ts', "import { createSession } from '../session/session.js';\nexport const x = createSession;\n")).toEqual([]);
    expect(await lint('src/session/right-arrow.ts', "import { backoffDelay } from '../retry/retry-backoff.js';\nexport const x = backoffDelay;\n")).toEqual([]);
    expect(await lint('src/emulator/right-arrow.ts', "import { ACD_CODES } from '../protocol/catalogue.js';\nexport const x = ACD_CODES;\n")).toEqual([]);
    expect(await lint('src/cli/right-arrow.ts', "import { startEmulator } from '../emulator/index.js';\nexport const x = startEmulator;\n")).toEqual([]);
  });
});
