// A fresh self-signed certificate for 127.0.0.1 and localhost, made at start (the PBX ships a self-signed one too).

import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';

/** A key pair and its certificate, with the fingerprint a client pins. */
export interface EmulatorCertificate {
  readonly key: string;
  readonly cert: string;
  /** As node's `X509Certificate.fingerprint256`: `AA:BB:…`. */
  readonly fingerprint256: string;
}

/** Makes a P-256 self-signed certificate valid for a day, CN and SAN 127.0.0.1, localhost and the bind host. */
export async function makeCertificate(host: string): Promise<EmulatorCertificate> {
  const altNames: { type: 2 | 7; value?: string; ip?: string }[] = [
    { type: 7, ip: '127.0.0.1' },
    { type: 2, value: 'localhost' },
    { type: 7, ip: '::1' },
  ];
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host) && host !== '127.0.0.1' && host !== '0.0.0.0') altNames.push({ type: 7, ip: host });
  else if (!/^[\d.:]+$/.test(host) && host !== 'localhost') altNames.push({ type: 2, value: host });
  const notBeforeDate = new Date(Date.now() - 60_000);
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { key: pems.private, cert: pems.cert, fingerprint256: new X509Certificate(pems.cert).fingerprint256 };
}
