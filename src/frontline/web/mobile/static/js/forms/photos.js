// Photos for forms: taken with the phone's camera, made small enough to send over a poor
// network, and named by their SHA-256.
//
// The picture is drawn on a canvas no larger than 1600 px on its longer side and encoded as
// JPEG: what leaves the phone is the canvas, so the camera's metadata (the EXIF block with its
// place and time) never does. The original file is not kept.

export const MAX_SIDE = 1600;
export const QUALITY = 0.85;

/** The hex SHA-256 of `bytes`. */
export async function sha256(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function canvasOf(width, height) {
  if (globalThis.OffscreenCanvas) return new OffscreenCanvas(width, height);
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

function encode(canvas) {
  if (canvas.convertToBlob) return canvas.convertToBlob({ type: "image/jpeg", quality: QUALITY });
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error("the photo could not be encoded"))),
      "image/jpeg",
      QUALITY,
    ),
  );
}

/**
 * A picture file (from `<input type=file accept=image/* capture=environment>`) as a JPEG of at
 * most MAX_SIDE px: {sha256, content_type: "image/jpeg", bytes, width, height}.
 */
export async function takePhoto(file) {
  // "from-image": turned upright as the camera's orientation tag says, before it is dropped.
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  try {
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = canvasOf(width, height);
    const context = canvas.getContext("2d");
    context.fillStyle = "#ffffff"; // a transparent PNG becomes white, not black
    context.fillRect(0, 0, width, height);
    context.drawImage(bitmap, 0, 0, width, height);
    const bytes = new Uint8Array(await (await encode(canvas)).arrayBuffer());
    return { sha256: await sha256(bytes), content_type: "image/jpeg", bytes, width, height };
  } finally {
    bitmap.close();
  }
}

/** A data: URL of a photo, to show it (the app's policy allows images from data: only). */
export function dataUrl(bytes, contentType) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return `data:${contentType};base64,${btoa(binary)}`;
}
