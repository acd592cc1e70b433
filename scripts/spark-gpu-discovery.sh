#!/usr/bin/env bash
# Spark's GPU discovery script for nn4j executors (spark.executor.resource.gpu.discoveryScript):
# prints the GPUs of this machine as {"name": "gpu", "addresses": ["0", "1", ...]}.
set -euo pipefail
addresses=$(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null | sed 's/.*/"&"/' | paste -sd, -)
echo "{\"name\": \"gpu\", \"addresses\": [${addresses}]}"
