/**
 * Camera scanning of the pass's barcode. Our passes carry a QR code (Apple: PKBarcodeFormatQR; Google:
 * QR_CODE), so that is the one format looked for. The browser's BarcodeDetector where it has one (Android,
 * macOS, ChromeOS); elsewhere the zxing-wasm decoder, served from /scanner/ like the rest of the app and
 * loaded only when the camera is first used.
 */

const FORMATS_DETECTOR = ["qr_code"];
const EVERY_MS = 150;

let zxing;

function loadZxing() {
  zxing ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "/scanner/zxing-reader.js";
    script.onload = () => {
      const { prepareZXingModule, readBarcodes } = globalThis.ZXingWASM;
      // The decoder's .wasm from here, never from its default CDN.
      prepareZXingModule({
        overrides: {
          locateFile: (path, prefix) =>
            path.endsWith(".wasm") ? "/scanner/zxing_reader.wasm" : prefix + path,
        },
      });
      resolve(async (imageData) => {
        const [found] = await readBarcodes(imageData, {
          formats: ["QRCode"],
          tryHarder: true,
          maxNumberOfSymbols: 1,
        });
        return found?.isValid ? found.text : undefined;
      });
    };
    script.onerror = () => reject(new Error("decoder not loaded"));
    document.head.append(script);
  });
  return zxing;
}

async function detector() {
  if ("BarcodeDetector" in globalThis) {
    const supported = await globalThis.BarcodeDetector.getSupportedFormats().catch(() => []);
    if (supported.includes("qr_code")) {
      const native = new globalThis.BarcodeDetector({ formats: FORMATS_DETECTOR });
      return { source: "video", read: async (video) => (await native.detect(video))[0]?.rawValue };
    }
  }
  const read = await loadZxing();
  return { source: "pixels", read };
}

/** Starts the camera in `video` and calls `onBarcode` once with the first code read; returns `stop`. */
export async function startCamera(video, onBarcode) {
  if (!navigator.mediaDevices?.getUserMedia) throw new Error("no camera API");
  const [stream, reader] = await Promise.all([
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }),
    detector(),
  ]);
  video.srcObject = stream;
  await video.play();
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  let stopped = false;
  let timer;
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  };
  const tick = async () => {
    if (stopped) return;
    try {
      if (video.videoWidth > 0) {
        let input = video;
        if (reader.source === "pixels") {
          canvas.width = video.videoWidth;
          canvas.height = video.videoHeight;
          context.drawImage(video, 0, 0);
          input = context.getImageData(0, 0, canvas.width, canvas.height);
        }
        const text = await reader.read(input);
        if (text && !stopped) {
          stop();
          onBarcode(text);
          return;
        }
      }
    } catch {
      // A frame that fails to decode: try the next one.
    }
    timer = setTimeout(tick, EVERY_MS);
  };
  tick();
  return stop;
}
