#!/bin/bash
# Golden packets for every encapsulation x underlay x inner family, judged by scapy and
# tshark (encoders and decoders independent of ours): see tests/interop/golden.py.
exec /usr/bin/python3 "$(dirname "$0")/golden.py"
