"""Reading back the spreadsheets Relais writes with LibreOffice, the coordinators' own tool."""
import csv
import io
import shutil
import subprocess
from pathlib import Path


def libreoffice_csv_sheets(content: bytes, tmp_path: Path) -> dict[str, list[list[str]]]:
    """Convert every sheet to CSV with LibreOffice headless in a throw-away profile."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is needed: `make system-deps` installs libreoffice-calc-nogui"
    source = tmp_path / "export.xlsx"
    source.write_bytes(content)
    out = tmp_path / "out"
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,UTF8,1,,0,false,true,false,false,false,-1",
         "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=120,
    )
    return {
        path.stem.removeprefix("export-"): list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        for path in out.glob("export-*.csv")
    }
