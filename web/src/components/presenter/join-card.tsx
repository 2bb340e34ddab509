import QRCode from 'qrcode';
import { useEffect, useState } from 'react';

/**
 * The way in for people watching the shared screen: a QR code and the short link it encodes (`/j/:code`, which the
 * server sends on to the class page), large enough to read from the back of a room.
 */
export function JoinCard({ joinCode }: { joinCode: string }) {
  const url = `${location.origin}/j/${joinCode}`;
  const [qr, setQr] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(url, { margin: 1, width: 480, errorCorrectionLevel: 'M' })
      .then((data) => live && setQr(data))
      .catch(() => live && setQr(null));
    return () => {
      live = false;
    };
  }, [url]);
  return (
    <section className="present-join" aria-label="Join this class">
      {qr && <img src={qr} alt={`QR code for ${url}`} width={240} height={240} />}
      <p>
        Join at
        <strong className="present-url">
          <span>{location.host}</span>
          <span>/j/{joinCode}</span>
        </strong>
      </p>
    </section>
  );
}
