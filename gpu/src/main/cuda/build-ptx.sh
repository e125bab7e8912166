#!/bin/sh
# Compiles kernels.cu to the PTX the gpu module ships, or into the directory given as $1 (the
# test that checks the shipped PTX compiles into a temporary one). PTX for compute_80 runs on any
# newer GPU: the driver compiles it for the device when it loads the module.
set -e
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../resources/kernels}
mkdir -p "$out"
nvcc -ptx -arch=compute_80 -O3 "$here/kernels.cu" -o "$out/kernels.ptx"
