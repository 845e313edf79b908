// The NATS server URLs of a bridge or a consumer: each `nats://HOST:PORT` or `tls://HOST:PORT` (a cluster: all its
// seed URLs). A URL without a scheme is refused rather than guessed, and what is logged of a URL never carries its
// user or password.

/** The problems of a list of NATS server URLs (empty when every one is fine). */
export function natsUrlProblems(urls: readonly string[]): string[] {
  if (urls.length === 0) return ['no NATS server URL'];
  const problems: string[] = [];
  for (const u of urls) {
    if (!/^(nats|tls):\/\//i.test(u)) {
      problems.push(`'${shown(u)}' is not a NATS URL: write nats://HOST:PORT (or tls://HOST:PORT)`);
      continue;
    }
    let host: string;
    try {
      host = new URL(u).hostname;
    } catch {
      host = '';
    }
    if (host === '') problems.push(`'${shown(u)}' has no host: write nats://HOST:PORT`);
  }
  return problems;
}

/** Splits `nats://a:4222,nats://b:4222` into its URLs (spaces around commas allowed). */
export function splitNatsUrls(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** A URL as it may be logged: scheme, host and port only. */
export function shown(url: string): string {
  try {
    const u = new URL(url);
    if (u.host !== '' && u.protocol !== '') return `${u.protocol}//${u.host}`;
  } catch {
    // not a URL: cut whatever could be credentials
  }
  const at = url.lastIndexOf('@');
  return at === -1 ? url : url.slice(at + 1);
}
