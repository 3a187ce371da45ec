"""Media made on the fly for tests: no binary fixtures in the repository."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path


def jpeg(
    width: int = 800, height: int = 600, *, orientation: int | None = None, gps: bool = False, quality: int = 85
) -> bytes:
    """A JPEG with a gradient (so renditions have something to show), optionally with EXIF
    orientation and GPS position, like a phone's photo."""
    from PIL import Image

    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (45.0, 45.0, 0.0), 3: "E", 4: (4.0, 50.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, exif=exif.tobytes() if (orientation or gps) else b"")
    return buffer.getvalue()


def clip(path: Path, seconds: float, *, size: str = "320x240", rate: int = 15, bitrate: str | None = None) -> bytes:
    """An H.264/AAC MP4 of ``seconds`` made by the static ffmpeg of imageio-ffmpeg."""
    import imageio_ffmpeg

    video = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    if bitrate:
        video += ["-b:v", bitrate, "-maxrate", bitrate, "-bufsize", bitrate, "-x264-params", "nal-hrd=cbr"]
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size={size}:rate={rate}:duration={seconds}",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:duration={seconds}",
            *video,
            "-c:a",
            "aac",
            "-shortest",
            "-movflags",
            "+faststart",
            str(path),
        ],
        check=True,
    )
    return path.read_bytes()
