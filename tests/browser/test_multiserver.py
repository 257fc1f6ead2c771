"""docassemble's multi-server deployment (issue 14, "beyond one machine"): the papers are made by a
Celery worker fed through RabbitMQ, and every file goes through the S3 store, on the real server.

Needs the server in multi-server mode, which `./dev test-multiserver` starts (`DA_MULTISERVER=1
server/start`: RabbitMQ as the broker, an S3-compatible store, and a worker whose `uploads` folder is
not the web server's). Collected only when TRAFFICKINGRELIEF_MULTISERVER_TESTS is set (conftest.py);
then a server that is not in that mode is a failure, not a skip. All people are fictional.
"""
from __future__ import annotations

import re

from helpers import STATE, Interview, db_connect, document_text, server_config, squash
from paths import DOWNLOAD_ID, NY_CASE, WAITING_ID, walk


def s3_client(cfg: dict):
    import boto3

    s3 = cfg["s3"]
    return boto3.client("s3", endpoint_url=s3["endpoint url"], region_name=s3.get("region"),
                        aws_access_key_id=s3["access key id"], aws_secret_access_key=s3["secret access key"])


def session_file_numbers(uid: str) -> list[int]:
    with db_connect() as conn, conn.cursor() as cur:
        cur.execute("select indexno from uploads where key = %s", (uid,))
        return sorted(int(row[0]) for row in cur.fetchall())


def local_copies(root: str, number: int) -> list[str]:
    """Files docassemble would keep for file `number` under a local `uploads` folder (files/000/000/000/01c)."""
    from pathlib import Path

    folder = Path(root).joinpath(*re.findall("...", f"{number:012x}"))
    return [str(p) for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_papers_made_by_the_worker_and_stored_in_s3(server_url, page, tmp_path):
    cfg = server_config()
    assert str(cfg.get("rabbitmq", "")).startswith("pyamqp://"), \
        "the server's broker is not RabbitMQ: start it with `DA_MULTISERVER=1 bash server/start` (./dev test-multiserver)"
    assert cfg.get("s3", {}).get("enable"), "the server stores files on its disk, not in S3 (DA_MULTISERVER=1)"
    worker_cfg = (STATE / "config-worker.yml").read_text(encoding="utf-8")
    worker_uploads = re.search(r"^uploads: (.+)$", worker_cfg, re.M).group(1)
    assert worker_uploads != cfg["uploads"], "the worker must not share the web server's uploads folder"
    celery_log = STATE / "log" / "celery.log"
    log_start = celery_log.stat().st_size

    it = Interview(page, server_url)
    it.start()
    walk(it, NY_CASE)
    it.expect_question(DOWNLOAD_ID)
    assert WAITING_ID in it.visited, f"no progress screen: the papers were not made in the background ({it.visited})"

    # The Celery worker ran the assembly, and it was connected to RabbitMQ.
    log = celery_log.read_text(encoding="utf-8", errors="replace")
    amqp_port = cfg["rabbitmq"].rsplit(":", 1)[1].strip("/")
    assert f"Connected to amqp://guest:**@127.0.0.1:{amqp_port}//" in log, "the worker is not connected to RabbitMQ"
    new = log[log_start:]
    assert re.search(r"Task tasks\.background_action\[[^\]]+\] succeeded", new), \
        f"no background task succeeded in the worker's log since this test started:\n{new[-2000:]}"

    # Every file of the session is an object in the bucket, and on neither server's disk.
    uid = it.session_uid()
    numbers = session_file_numbers(uid)
    files = it.download_all(tmp_path / "drafts")
    assert len(numbers) >= len(files) >= 10, (numbers, [f.filename for f in files])
    bucket = cfg["s3"]["bucket"]
    client = s3_client(cfg)
    stored = {obj["Key"]: obj["Size"] for page_ in client.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Prefix="files/") for obj in page_.get("Contents", [])}
    for number in numbers:
        assert any(key.startswith(f"files/{number}/") for key in stored), f"file {number} is not in the S3 bucket"
        assert not local_copies(cfg["uploads"], number), f"file {number} is on the web server's disk"
        assert not local_copies(worker_uploads, number), f"file {number} is on the worker's disk"

    # The stored objects are sealed (sealed_files.py): no object holds the client's name or case number in any
    # readable form, while what the browser downloaded (unsealed by the web server from the S3 object) does.
    needles = [NY_CASE.name.encode(), NY_CASE.case_number.encode()]
    for key in stored:
        body = client.get_object(Bucket=bucket, Key=key)["Body"].read()
        assert not any(n in body for n in needles), f"{key} holds client text in plain form"
        if body[:2] == b"PK":  # a DOCX or ZIP stored unsealed would be readable inside its members
            import io
            import zipfile
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                assert not any(n in archive.read(m) for m in archive.namelist() for n in needles), key
    motion = next(f for f in files if f.filename == "NY-1-notice-of-motion.docx")
    text = squash(document_text(motion.path))
    assert NY_CASE.name in text and "DRAFT — for review by a licensed attorney" in text, text[:1500]
    pdf = next(f for f in files if f.filename == "NY-1-notice-of-motion.pdf")
    assert pdf.data.startswith(b"%PDF") and NY_CASE.name in squash(document_text(pdf.path))
