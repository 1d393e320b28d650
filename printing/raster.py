"""PDF pages rendered to images with pdfium, one at a time: pdfium is not thread-safe, and the print
queue (a PDF for a ZPL printer), the report preview and a test print may render at once."""

from __future__ import annotations

import threading

from PIL import Image

_LOCK = threading.Lock()


def render_first_page(pdf: bytes, dpi: float, mode: str = "L") -> Image.Image:
    """Page 1 of `pdf` at `dpi`, as a PIL image in `mode` ("L" grey, "RGB" colour).

    ValueError when `pdf` cannot be read or has no pages.
    """
    try:
        import pypdfium2 as pdfium  # only rendering needs it
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ValueError("rendering a PDF needs pypdfium2") from exc
    with _LOCK:
        try:
            document = pdfium.PdfDocument(pdf)
        except pdfium.PdfiumError as exc:
            raise ValueError(f"cannot read the PDF: {exc}") from exc
        try:
            if len(document) == 0:
                raise ValueError("the PDF has no pages")
            bitmap = document[0].render(scale=dpi / 72, grayscale=mode == "L")
            image: Image.Image = bitmap.to_pil().convert(mode)  # a copy: it outlives the document
            return image
        finally:
            document.close()
