// @ts-check
// The import ladder of architecture.md as data: a box may import only boxes on lower rungs (same rung: no).
// `ladderZones()` turns it into zones of eslint-plugin-import-x's `no-restricted-paths`, so a wrong arrow fails
// `npm test` (test/lint/ladder.test.ts proves the rule catches one).

/** Rungs from the bottom; each entry is a folder under src/ (or a file, for client.ts and index.ts). */
export const LADDER = [
  ['logging'],
  ['protocol', 'retry'],
  ['config'],
  ['session', 'metrics'],
  ['socket'],
  // state: checkpoint stores and the restore/checkpoint wiring (issue 17); I/O, so not in metrics.
  ['streams', 'cti', 'state'],
  // Above streams, not beside it: a journal replays through the same pipeline as the live path.
  ['journal'],
  ['client.ts'],
  ['hooks', 'serve'],
  ['multi'],
  ['bridge'],
  ['cli'],
  ['index.ts'],
];

/** The emulator is off the ladder: it imports only the event-code catalogue; only the CLI and tests import it. */
const EMULATOR_MAY_IMPORT = ['src/protocol/catalogue.ts'];
const MAY_IMPORT_EMULATOR = ['cli'];

const path = (box) => `./src/${box}`;
const everyBox = LADDER.flat();

/** @returns {{ target: string, from: string | string[], except?: string[], message: string }[]} */
export function ladderZones() {
  const zones = [];
  LADDER.forEach((rung, level) => {
    const notBelow = LADDER.slice(level).flat();
    for (const box of rung) {
      const forbidden = notBelow.filter((other) => other !== box);
      if (forbidden.length === 0) continue;
      zones.push({
        target: path(box),
        from: forbidden.map(path),
        message: `architecture.md: '${box}' (rung ${level + 1}) may import only boxes on lower rungs.`,
      });
    }
  });
  for (const box of everyBox.filter((b) => !MAY_IMPORT_EMULATOR.includes(b))) {
    zones.push({ target: path(box), from: path('emulator'), message: 'architecture.md: only the CLI imports the emulator.' });
  }
  zones.push({
    target: path('emulator'),
    from: './src',
    except: ['./emulator', ...EMULATOR_MAY_IMPORT.map((p) => `./${p.replace(/^src\//, '')}`)],
    message: 'architecture.md: the emulator is a peer; it imports nothing of the client but the catalogue.',
  });
  return zones;
}
