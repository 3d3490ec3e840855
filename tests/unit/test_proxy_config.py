"""The proxy's configuration, checked by nginx itself (SPEC B9): docker-compose's and `manage.py serve`'s.

Docker cannot run here, so docker-compose.yml is read, not started: the proxy service mounts the
two files the way compose.conf includes them, and nginx's own `-t` validates what it would load.
"""

import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from tickets.management.commands.serve import nginx_config, nginx_path

DEPLOY = Path(settings.BASE_DIR, "deploy")


def validate(conf, root):
    nginx = nginx_path()
    assert nginx, "validating the proxy's configuration needs nginx (apt-get install nginx)"
    result = subprocess.run([nginx, "-t", "-p", str(root), "-c", str(conf), "-e", "stderr"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stderr


@pytest.mark.spec("B9")
def test_docker_compose_routes_sockets_and_pages_through_a_valid_proxy(tmp_path):
    services = yaml.safe_load(Path(settings.BASE_DIR, "docker-compose.yml").read_text())["services"]
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in services["proxy"]["volumes"]}
    assert mounts == {"/etc/nginx/conf.d/default.conf": "./deploy/nginx/compose.conf",
                      "/etc/nginx/helpdesk.conf": "./deploy/nginx/helpdesk.conf"}
    assert "gunicorn" in services["web"]["command"] and "daphne" in services["ws"]["command"]
    assert "ports" not in services["web"] and "ports" not in services["ws"]  # only the proxy is reachable

    # The service names resolve only inside compose's network: check against loopback, as mounted.
    site = (DEPLOY / "nginx" / "compose.conf").read_text()
    for service, port in (("web", 8000), ("ws", 8001)):
        assert f"server {service}:{port};" in site
        site = site.replace(f"server {service}:{port};", f"server 127.0.0.1:{port};")
    site = site.replace("/etc/nginx/helpdesk.conf", str(DEPLOY / "nginx" / "helpdesk.conf"))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nevents {{}}\nhttp {{\n  client_body_temp_path {tmp_path};\n"
        f"  proxy_temp_path {tmp_path};\n  include {tmp_path}/site.conf;\n}}\n"
    )
    assert "syntax is ok" in validate(tmp_path / "nginx.conf", tmp_path)


@pytest.mark.spec("B9")
def test_the_one_host_layout_writes_a_valid_proxy_configuration(tmp_path):
    conf = nginx_config(tmp_path, host="127.0.0.1", port=8000, http_port=18001, ws_port=18002)
    assert f"include {DEPLOY / 'nginx' / 'helpdesk.conf'};" in conf
    (tmp_path / "nginx.conf").write_text(conf)
    assert "syntax is ok" in validate(tmp_path / "nginx.conf", tmp_path)
