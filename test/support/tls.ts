// Throwaway certificates for the TLS tests, made with the machine's openssl. Like Heroku's:
// self-signed, and the server certificate names no host the clients connect to.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Paths of PEM files, and `pem()` to read one (Heroku hands PEM contents over in variables). */
export interface TestCertificates {
  dir: string;
  caCert: string;
  /** Signs the server's certificate and the client's, as Heroku's Kafka CA does. */
  caKey: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A CA that signed nothing here: trusting it instead of caCert must fail the chain check. */
  otherCaCert: string;
  /** A host name in the server certificate; 127.0.0.1 and localhost are not among them. */
  serverName: string;
  pem(file: string): string;
  remove(): void;
}

const SERVER_NAME = 'broker.clicktrack.invalid';

export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(path.join(tmpdir(), 'clicktrack-tls-'));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => {
    try {
      execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
      throw new Error(`openssl ${args.join(' ')} failed: ${(err as Error).message}\n${stderr}`);
    }
  };
  // EC keys: quick to make, and unencrypted PKCS#8 PEM, which Kafka's PEM keystore reads.
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

  const ca = (name: string) => {
    openssl('req', '-x509', ...key, '-keyout', file(`${name}.key`), '-out', file(`${name}.pem`), '-days', '2', '-subj', `/CN=clicktrack test ${name}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  };
  const signed = (name: string, subject: string, extensions: string) => {
    writeFileSync(file(`${name}.ext`), extensions);
    openssl('req', ...key, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', subject);
    openssl('x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
      '-days', '2', '-out', file(`${name}.pem`), '-extfile', file(`${name}.ext`));
  };

  ca('ca');
  ca('other-ca');
  // CN=localhost is ignored once there is a subjectAltName, and the SAN names a host nobody
  // connects to: a client that checks host names against it refuses 127.0.0.1.
  signed('server', '/CN=localhost', `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:${SERVER_NAME}\n`);
  signed('client', '/CN=clicktrack-worker', 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');

  return {
    dir,
    caCert: file('ca.pem'),
    caKey: file('ca.key'),
    serverCert: file('server.pem'),
    serverKey: file('server.key'),
    clientCert: file('client.pem'),
    clientKey: file('client.key'),
    otherCaCert: file('other-ca.pem'),
    serverName: SERVER_NAME,
    pem: (f) => readFileSync(f, 'utf8'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
