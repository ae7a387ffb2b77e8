"""배움 데모 콘텐츠 (Demo content): a small external LTI 1.3 tool built on PyLTI1p3, run as its own
party (its own process, port and RSA key; no Django), for trying Baeum's LTI platform side locally:
Deep Linking, a learner's launch with a score sent back (AGS), the class roster (NRPS) and LTI
Dynamic Registration. `python -m demo_tool --host 127.0.0.1 --port 8001 --data-dir var/demo_tool`."""
