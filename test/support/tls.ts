import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface TestCertificates {
  /** The throwaway CA's certificate (PEM): what a client is told to trust. */
  readonly ca: string;
  /** The server certificate for 127.0.0.1 and localhost (PEM), signed by the CA. */
  readonly cert: string;
  /** The server's private key (PEM). */
  readonly key: string;
}

/**
 * A CA and a server certificate for 127.0.0.1 signed by it, made with openssl in `dir` at
 * test time (valid one day), so no key is ever committed. The CA key is deleted once it has
 * signed: nothing else may be issued under it.
 */
export async function makeCertificates(dir: string): Promise<TestCertificates> {
  const path = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => exec('openssl', args);
  await openssl(
    ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=sluice-test-ca'],
    ...['-keyout', path('ca.key'), '-out', path('ca.pem')],
  );
  await openssl(
    ...['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1'],
    ...['-keyout', path('server.key'), '-out', path('server.csr')],
  );
  await writeFile(path('san.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  await openssl(
    ...['x509', '-req', '-in', path('server.csr'), '-CA', path('ca.pem'), '-CAkey', path('ca.key')],
    ...['-CAcreateserial', '-days', '1', '-extfile', path('san.cnf'), '-out', path('server.pem')],
  );
  await rm(path('ca.key'));
  return { ca: path('ca.pem'), cert: path('server.pem'), key: path('server.key') };
}
