// The names the bridge and its consumers agree on: subjects, the stream, the KV bucket and keys. Pure.
//
//   ipecs.<site>.acd.<code>   one decoded ACD event (JSON of AcdEvent), e.g. ipecs.leeds.acd.3
//   ipecs.<site>.gap          a gap marker (JSON of the `gap` ConnectionState): events in [from, to] were not seen
//   ipecs.<site>.state        every other connection state of the site's PBX socket (for remote health)
//   ipecs.<site>.period       the closing summary of each of the site's periods (JSON of AcdSummary)
//   KV <bucket>/<site>        the site's latest AcdSummary (JSON)

/** Default JetStream stream name. */
export const DEFAULT_STREAM = 'IPECS';
/** Default KV bucket of the latest summaries. */
export const DEFAULT_BUCKET = 'ipecs-summary';
/** Default subject prefix (the first token). */
export const DEFAULT_PREFIX = 'ipecs';

/** What a subject of the bridge carries. */
export type SubjectKind = { readonly kind: 'acd'; readonly code: number } | { readonly kind: 'gap' } | { readonly kind: 'state' } | { readonly kind: 'period' };

/** `ipecs.<site>.acd.<code>`. */
export function eventSubject(siteId: string, code: number, prefix = DEFAULT_PREFIX): string {
  return `${prefix}.${siteId}.acd.${String(code)}`;
}

/** `ipecs.<site>.gap`. */
export function gapSubject(siteId: string, prefix = DEFAULT_PREFIX): string {
  return `${prefix}.${siteId}.gap`;
}

/** `ipecs.<site>.state`. */
export function stateSubject(siteId: string, prefix = DEFAULT_PREFIX): string {
  return `${prefix}.${siteId}.state`;
}

/** `ipecs.<site>.period`. */
export function periodSubject(siteId: string, prefix = DEFAULT_PREFIX): string {
  return `${prefix}.${siteId}.period`;
}

/** Every subject of one site (a consumer's filter): `ipecs.<site>.>`. */
export function siteFilter(siteId: string, prefix = DEFAULT_PREFIX): string {
  return `${prefix}.${siteId}.>`;
}

/** The stream's subjects: `ipecs.>`. */
export function streamSubjects(prefix = DEFAULT_PREFIX): string {
  return `${prefix}.>`;
}

/** Reads a subject of the bridge back: its site and what it carries; `undefined` for anything else. */
export function parseSubject(subject: string, prefix = DEFAULT_PREFIX): { readonly siteId: string; readonly what: SubjectKind } | undefined {
  const parts = subject.split('.');
  if (parts[0] !== prefix || parts.length < 3) return undefined;
  const siteId = parts[1] ?? '';
  if (siteId === '') return undefined;
  if (parts.length === 3 && parts[2] === 'gap') return { siteId, what: { kind: 'gap' } };
  if (parts.length === 3 && parts[2] === 'state') return { siteId, what: { kind: 'state' } };
  if (parts.length === 3 && parts[2] === 'period') return { siteId, what: { kind: 'period' } };
  if (parts.length === 4 && parts[2] === 'acd' && /^\d+$/.test(parts[3] ?? '')) return { siteId, what: { kind: 'acd', code: Number(parts[3]) } };
  return undefined;
}
