import QRCode from 'qrcode';
import { useEffect, useState } from 'preact/hooks';

export interface MachineCredentials {
  machineId: string;
  secret: string;
}

/**
 * What the installer types or scans into the machine: its id, its secret (shown this once; only
 * its hash is stored) and the API it talks to, as JSON in a QR code drawn as inline SVG.
 */
export function CredentialsPanel(props: { credentials: MachineCredentials; machineName: string }) {
  const { machineId, secret } = props.credentials;
  const payload = JSON.stringify({ machineId, secret, api: location.origin });
  const [svg, setSvg] = useState<string>();
  const [copied, setCopied] = useState<string>();

  useEffect(() => {
    void QRCode.toString(payload, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }).then(setSvg);
  }, [payload]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(payload);
      setCopied('Copied to the clipboard.');
    } catch {
      setCopied('The browser refused the clipboard: select the text and copy it.');
    }
  };

  return (
    <section aria-labelledby="credentials-title" class="credentials">
      <h3 id="credentials-title">Credentials for {props.machineName}</h3>
      <p role="note">
        <strong>Shown once.</strong> Only a hash of the secret is kept: write it into the machine now, or
        rotate it later to get a new one.
      </p>
      <dl>
        <dt>Machine id</dt>
        <dd>
          <code data-credential="machine-id">{machineId}</code>
        </dd>
        <dt>Secret</dt>
        <dd>
          <code data-credential="secret">{secret}</code>
        </dd>
      </dl>
      <button type="button" onClick={copy}>
        Copy credentials
      </button>
      <p role="status" aria-live="polite">
        {copied}
      </p>
      {svg && (
        // The SVG comes from the QR library, built from our own payload: no outside markup.
        <div
          class="qr"
          role="img"
          aria-label={`QR code with the credentials of ${props.machineName}, for the machine's installer to scan`}
          dangerouslySetInnerHTML={{ __html: svg }}
        />
      )}
    </section>
  );
}
