"""Run every benchmark script under bench/ in turn (`make bench`); each prints its own figures."""
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for script in sorted(HERE.glob("bench_*.py")):
    print(f"\n=== {script.name}", flush=True)
    subprocess.run([sys.executable, str(script)], cwd=HERE.parent, check=False)
