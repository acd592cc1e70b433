#!/usr/bin/env bash
# torch-venv.sh: makes the virtual environment of the PyTorch 2.x reference (the CPU wheel: MKL and
# oneDNN), for bench/compare-train.sh --python DIR/bin/python and bench/torch-sweep.sh.
#
#   bench/torch-venv.sh [DIR]     (default DIR: ./V; nothing is done where DIR/bin/python has torch)
set -euo pipefail
dir="${1:-V}"
if [[ -x "$dir/bin/python" ]] && "$dir/bin/python" -c 'import torch' 2>/dev/null; then
  echo "$dir: PyTorch $("$dir/bin/python" -c 'import torch; print(torch.__version__)') already"
  exit 0
fi
python3 -m venv "$dir"
"$dir/bin/pip" install --quiet 'torch==2.13.0+cpu' numpy
echo "$dir: PyTorch $("$dir/bin/python" -c 'import torch; print(torch.__version__)')"
