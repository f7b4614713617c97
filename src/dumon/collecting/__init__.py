"""Collecting: sources in, articles out.

The scan (`scan`) fetches every source of ``sources.yaml`` (`config`) over HTTP (`fetch`, the
only module that talks to the network), reads feeds (`feeds`, `fastfeed`) and pages (`pages`)
into articles in worker processes (`worker`), and stores them with their matches; `ingest`
takes articles from a JSON-lines file instead. Empty on purpose: importing a stage costs
nothing until one of its modules is used.
"""
