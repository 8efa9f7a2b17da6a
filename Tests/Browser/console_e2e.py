#!/usr/bin/env python3
"""End-to-end test of the console in real Chromium, plus schemathesis against the OpenAPI document.

Builds an archive from a simulated corp plus messages whose every field carries an XSS payload, serves it
with `chatledger serve`, then in headless Chromium: signs in, opens the hostile conversation and the
hostile customer, searches, jumps to a hit and resolves an alert. No payload may run, none may become
markup, and each page must show the payload as text. Finally schemathesis fuzzes every operation of
/api/v1/openapi.json and must find no 5xx, and `chatledger verify` must pass (audit events included).

Usage: console_e2e.py CHATLEDGER [--screenshots DIR]
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import zipfile
import sys
import tempfile
import time
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

HERE = os.path.dirname(os.path.abspath(__file__))
PASSWORD = "browser-test-password"
EMPLOYEE = "zhangwei"
CUSTOMER = "wmXSS0000000000000000000000000001"


def payloads():
    with open(os.path.join(HERE, "xss_payloads.txt"), encoding="utf-8") as handle:
        return [line.rstrip("\n") for line in handle if line.strip() and not line.startswith("#")]


def hostile_messages(start_time):
    """Every msgtype field a page shows, each carrying payloads."""
    messages = []
    time_ms = start_time

    def add(msgtype, payload, sender=EMPLOYEE, to=CUSTOMER):
        nonlocal time_ms
        time_ms += 60_000
        message = {"msgid": f"xss-{len(messages)}", "action": "send", "from": sender, "tolist": [to], "roomid": "",
                   "msgtime": time_ms, "msgtype": msgtype, msgtype: payload}
        messages.append(message)

    for index, text in enumerate(payloads()):
        add("text", {"content": f"XSS#{index} {text}"}, sender=CUSTOMER if index % 2 else EMPLOYEE, to=EMPLOYEE if index % 2 else CUSTOMER)
    first = payloads()[0]
    add("link", {"title": first, "description": first, "link_url": "javascript:window.__xss=1", "image_url": "javascript:window.__xss=2"})
    add("link", {"title": "data link " + first, "description": "x", "link_url": "data:text/html,<script>window.__xss=3</script>", "image_url": ""})
    add("file", {"md5sum": "0" * 32, "filename": first + ".pdf", "fileext": "pdf", "filesize": 10, "sdkfileid": "xss-file"})
    add("weapp", {"title": first, "description": first, "username": first, "displayname": first})
    add("location", {"longitude": 116.4, "latitude": 39.9, "address": first, "title": first, "zoom": 15})
    add("redpacket", {"type": 1, "wish": first, "totalcnt": 1, "totalamount": 100})
    add("vote", {"votetitle": first, "voteitem": [first, "ok"], "votetype": 101, "voteid": "v1"})
    add("calendar", {"title": first, "creatorname": first, "attendeename": [first], "starttime": 1793581200, "endtime": 1793584800,
                     "place": first, "remarks": first})
    add("chatrecord", {"title": first, "item": [{"type": "ChatRecordText", "msgtime": 1793581200, "content": json.dumps({"content": first}),
                                                  "from_chatroom": False}]})
    add("text", {"content": "放心，这个产品保本保息，稳赚不赔，加我私人微信 13812345678 细聊"})
    return messages


def build_archive(binary, folder):
    simulated = os.path.join(folder, "sim")
    subprocess.run([binary, "simulate", "--out", simulated, "--messages", "400", "--seed", "9"], check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(simulated, "directory.json"), encoding="utf-8") as handle:
        directory = json.load(handle)
    employee = next(p for p in directory["parties"] if p["kind"] == "employee")
    global EMPLOYEE
    EMPLOYEE = employee["id"]
    directory["parties"].append({"id": CUSTOMER, "kind": "external", "name": payloads()[1], "departmentIDs": [],
                                 "corpName": payloads()[2]})
    with open(os.path.join(simulated, "messages.jsonl"), encoding="utf-8") as handle:
        lines = [line for line in handle if line.strip()]
    last_time = max(json.loads(line).get("msgtime", 0) for line in lines)
    with open(os.path.join(simulated, "messages.jsonl"), "a", encoding="utf-8") as handle:
        for message in hostile_messages(last_time):
            handle.write(json.dumps(message, ensure_ascii=False) + "\n")
    with open(os.path.join(simulated, "directory.json"), "w", encoding="utf-8") as handle:
        json.dump(directory, handle, ensure_ascii=False)
    data = os.path.join(folder, "data")
    subprocess.run([binary, "import", "--data", data, "--messages", os.path.join(simulated, "messages.jsonl")], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([binary, "user", "add", "auditor1", "--name", "审计员", "--role", "auditor", "--department", "1", "--data", data,
                    "--password", PASSWORD], check=True, stdout=subprocess.DEVNULL)
    return data


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(binary, data, folder):
    port = free_port()
    config = os.path.join(folder, "chatledger.json")
    with open(config, "w", encoding="utf-8") as handle:
        json.dump({"host": "127.0.0.1", "port": port, "data": data}, handle)
    log = open(os.path.join(folder, "serve.log"), "w")
    process = subprocess.Popen([binary, "serve", "--config", config, "--admin-password", PASSWORD], stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            return process, base
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start; see " + log.name)


def api_token(base, username):
    request = urllib.request.Request(base + "/api/v1/auth/login", data=json.dumps({"username": username, "password": PASSWORD}).encode(),
                                     headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request))["token"]


def api_get(base, path, token):
    request = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + token})
    return json.load(urllib.request.urlopen(request))


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1000", "--lang=zh-CN"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)


class Checks:
    def __init__(self):
        self.failures = []

    def expect(self, condition, message):
        print(("  ok   " if condition else "  FAIL ") + message, flush=True)
        if not condition:
            self.failures.append(message)


def assert_inert(driver, checks, where, expected_texts=()):
    """No dialog opened, no payload ran, no payload became markup, and the payloads show as text."""
    try:
        alert = driver.switch_to.alert
        checks.expect(False, f"{where}: a dialog opened ({alert.text!r})")
        alert.dismiss()
    except NoAlertPresentException:
        checks.expect(True, f"{where}: no dialog")
    ran = driver.execute_script("return window.__xss === undefined ? null : String(window.__xss)")
    checks.expect(ran is None, f"{where}: no payload ran (window.__xss={ran})")
    injected = driver.execute_script("""
        return document.querySelectorAll('main script, main iframe, main object, main embed, main :not(.chart) > svg, main math, main form[action^="javascript"], ' +
          'main [onerror], main [onload], main [onclick], main [onmouseover], main [onfocus], main [srcdoc], ' +
          'main a[href^="javascript"], main a[href^="data"], main img[src^="javascript"]').length""")
    checks.expect(injected == 0, f"{where}: no injected elements ({injected})")
    page_text = driver.find_element(By.TAG_NAME, "main").text
    for text in expected_texts:
        checks.expect(text in page_text, f"{where}: shows {text[:40]!r} as text")


def text_of(driver, element_id):
    """The element's text, read again if the page was replaced under us (a redirect finishing)."""
    for _ in range(20):
        try:
            return driver.find_element(By.ID, element_id).text
        except WebDriverException:
            time.sleep(0.25)
    return driver.find_element(By.ID, element_id).text


def screenshot(driver, folder, name):
    if folder:
        os.makedirs(folder, exist_ok=True)
        driver.save_screenshot(os.path.join(folder, name + ".png"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--screenshots")
    arguments = parser.parse_args()
    binary = os.path.abspath(arguments.binary)
    checks = Checks()
    folder = tempfile.mkdtemp(prefix="chatledger-browser-")
    print("building the hostile archive in", folder, flush=True)
    data = build_archive(binary, folder)
    server, base = start_server(binary, data, folder)
    driver = None
    try:
        driver = browser()
        # Sign in through the form.
        driver.get(base + "/")
        checks.expect("/login" in driver.current_url, "anonymous visitors are sent to the login page")
        screenshot(driver, arguments.screenshots, "login")
        driver.find_element(By.ID, "username").send_keys("auditor1")
        driver.find_element(By.ID, "password").send_keys("wrong password")
        driver.find_element(By.ID, "login-submit").click()
        WebDriverWait(driver, 10, ignored_exceptions=(WebDriverException,)).until(expected_conditions.presence_of_element_located((By.ID, "login-error")))
        checks.expect(len(driver.find_elements(By.ID, "login-error")) == 1, "a wrong password is refused with a message")
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.ID, "login-submit").click()
        WebDriverWait(driver, 10, ignored_exceptions=(WebDriverException,)).until(expected_conditions.url_contains("/alerts"))
        checks.expect(driver.current_url.endswith("/alerts"), f"signed in, the auditor lands on the alert queue ({driver.current_url})")
        checks.expect(driver.find_element(By.ID, "whoami").text == "审计员", "the header names the signed-in user")
        assert_inert(driver, checks, "alerts")
        screenshot(driver, arguments.screenshots, "alerts")

        # The hostile conversation: every payload rendered, none alive.
        conversation = "single:" + "|".join(sorted([EMPLOYEE, CUSTOMER]))
        driver.get(base + "/conversations/" + urllib.parse.quote(conversation, safe=""))
        texts = [f"XSS#{index} {payload}" for index, payload in enumerate(payloads())]
        assert_inert(driver, checks, "hostile conversation", texts[:8])
        checks.expect(len(driver.find_elements(By.CSS_SELECTOR, "article.msg")) >= len(texts), "every hostile message is shown")
        link_hrefs = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "main .link a")]
        checks.expect(all(h.startswith("http") for h in link_hrefs), f"link messages link only to http(s) ({link_hrefs})")
        driver.execute_script("window.scrollTo(0, document.body.scrollHeight)")
        assert_inert(driver, checks, "hostile conversation after scrolling")

        driver.get(base + "/customers/" + CUSTOMER)
        assert_inert(driver, checks, "hostile customer", [payloads()[1]])

        # Search, jump to the hit, see it highlighted.
        driver.get(base + "/search")
        driver.find_element(By.ID, "q").send_keys("稳赚不赔")
        driver.find_element(By.ID, "search-submit").click()
        WebDriverWait(driver, 10, ignored_exceptions=(WebDriverException,)).until(expected_conditions.url_contains("q="))
        hits = driver.find_elements(By.CSS_SELECTOR, "#hits a.hit")
        checks.expect(len(hits) >= 1, f"search finds the violation ({len(hits)} hits)")
        checks.expect(len(driver.find_elements(By.CSS_SELECTOR, "#hits mark")) >= 1, "the matched words are highlighted")
        checks.expect("138****5678" in driver.find_element(By.ID, "hits").text, "the phone number is masked for this auditor")
        screenshot(driver, arguments.screenshots, "search")
        if hits:
            hits[0].click()
            WebDriverWait(driver, 10, ignored_exceptions=(WebDriverException,)).until(expected_conditions.url_contains("/conversations/"))
        checks.expect(len(driver.find_elements(By.CSS_SELECTOR, "article.msg.highlight")) == 1, "the hit opens its conversation, highlighted")
        screenshot(driver, arguments.screenshots, "conversation")
        driver.get(base + "/search?q=" + urllib.parse.quote("<script>"))
        assert_inert(driver, checks, "search for a payload")

        # Resolve an alert with a note.
        driver.get(base + "/alerts")
        first = driver.find_element(By.CSS_SELECTOR, "#alerts tbody tr[data-alert] a")
        alert_id = first.text.lstrip("#")
        first.click()
        assert_inert(driver, checks, "alert detail")
        screenshot(driver, arguments.screenshots, "alert")
        Select(driver.find_element(By.NAME, "action")).select_by_value("resolve")
        driver.find_element(By.NAME, "note").send_keys("已核实并处理 <b>note</b>")
        driver.find_element(By.CSS_SELECTOR, "form.actions button").click()
        WebDriverWait(driver, 10, ignored_exceptions=(WebDriverException,)).until(
            lambda d: d.find_element(By.ID, "alert-status").text in ("已解决", "resolved", "Resolved"))
        status = text_of(driver, "alert-status")
        checks.expect(status in ("已解决", "resolved", "Resolved"), f"alert #{alert_id} is resolved ({status})")
        checks.expect("已核实并处理 <b>note</b>" in text_of(driver, "alert-history"), "the note is kept, as text")

        driver.get(base + "/audit")
        audit_text = text_of(driver, "audit")
        checks.expect("conversation.view" in audit_text and "search" in audit_text and "alert.resolve" in audit_text,
                      "the audit log shows the views, searches and the resolution")
        screenshot(driver, arguments.screenshots, "audit")
        driver.get(base + "/sla")
        assert_inert(driver, checks, "reply timeouts")
        checks.expect(len(driver.find_elements(By.CSS_SELECTOR, "#overdue tbody tr")) >= 1, "the overdue list shows waiting customers")
        screenshot(driver, arguments.screenshots, "sla")
        driver.get(base + "/reports?since=2026-01-01&until=2027-01-01")
        assert_inert(driver, checks, "reports")
        checks.expect(len(driver.find_elements(By.CSS_SELECTOR, ".chart svg")) >= 8, "the dashboard draws its charts")
        screenshot(driver, arguments.screenshots, "reports")
        driver.get(base + "/lang?to=en")
        driver.get(base + "/conversations")
        WebDriverWait(driver, 10, ignored_exceptions=(WebDriverException,)).until(expected_conditions.presence_of_element_located((By.TAG_NAME, "h1")))
        checks.expect("Conversations" in driver.find_element(By.TAG_NAME, "h1").text, "English is one click away")
        screenshot(driver, arguments.screenshots, "conversations-en")
        driver.get(base + "/lang?to=zh")

        # Evidence: the hostile conversation as a case, exported; the package verifies and its transcript, opened in
        # Chromium from disk, shows every message of the case once, every payload as inert text.
        case_id = json.loads(subprocess.run([binary, "case", "create", "--data", data, "--name", "浏览器证据 <b>x</b>", "--json"],
                                            check=True, capture_output=True, text=True).stdout)["id"]
        subprocess.run([binary, "case", "add", case_id, "--data", data, "--conversation", conversation], check=True, stdout=subprocess.DEVNULL)
        package = os.path.join(folder, "case.zip")
        subprocess.run([binary, "export", "--data", data, "--case", case_id, "--out", package], check=True, stdout=subprocess.DEVNULL)
        verified_package = subprocess.run([binary, "verify-package", package], capture_output=True, text=True)
        checks.expect(verified_package.returncode == 0, f"the exported package verifies ({verified_package.stdout.strip()[:120]})")
        unpacked = os.path.join(folder, "package")
        with zipfile.ZipFile(package) as archive:
            archive.extractall(unpacked)
            exported = {name[len("messages/"):-len(".json")] for name in archive.namelist() if name.startswith("messages/")}
        driver.get("file://" + os.path.join(unpacked, "index.html"))
        shown = [element.get_attribute("data-leaf") for element in driver.find_elements(By.CSS_SELECTOR, "article.message")]
        checks.expect(len(exported) >= len(texts) and sorted(shown) == sorted(exported),
                      f"the transcript shows every exported message once ({len(shown)} shown, {len(exported)} in the package)")
        assert_inert(driver, checks, "exported transcript", texts[:8])
        checks.expect(len(driver.find_elements(By.TAG_NAME, "script")) == 0, "the transcript carries no script")
        screenshot(driver, arguments.screenshots, "transcript")
        driver.get(base + "/alerts")

        # The administrator sees settings but no chat content (separation of duties is tested in Swift too).
        driver.find_element(By.CSS_SELECTOR, "form.inline button").click()
        WebDriverWait(driver, 10, ignored_exceptions=(WebDriverException,)).until(expected_conditions.presence_of_element_located((By.ID, "username")))
        driver.find_element(By.ID, "username").send_keys("admin")
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.ID, "login-submit").click()
        WebDriverWait(driver, 10, ignored_exceptions=(WebDriverException,)).until(expected_conditions.url_contains("/admin"))
        driver.get(base + "/admin")
        checks.expect(len(driver.find_elements(By.ID, "users")) == 1, "the administrator sees the user list")
        screenshot(driver, arguments.screenshots, "admin")
        console_errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE" and "favicon" not in entry["message"]]
        checks.expect(not any("Content Security Policy" in entry["message"] for entry in console_errors),
                      f"no script was blocked by the CSP, so none tried to run ({console_errors[:2]})")
    finally:
        if driver:
            driver.quit()

    # Schemathesis: every operation of the OpenAPI document, fuzzed; no 5xx. One worker: with two, Hypothesis parses
    # lambda sources on two threads and CPython 3.11's parser can crash ("AST constructor recursion depth mismatch"),
    # which schemathesis reports as a runtime error. A user of its own with an API
    # token, so fuzzed password changes of other users cannot sign it out.
    subprocess.run([binary, "user", "add", "fuzzer", "--role", "admin", "--role", "auditor", "--department", "1", "--data", data,
                    "--password", PASSWORD], check=True, stdout=subprocess.DEVNULL)
    token = subprocess.run([binary, "user", "token", "fuzzer", "--name", "schemathesis", "--data", data], check=True,
                           capture_output=True, text=True).stdout.strip()
    fuzz = subprocess.run(["schemathesis", "run", base + "/api/v1/openapi.json", "--checks", "not_a_server_error",
                           "-H", "Authorization: Bearer " + token, "--exclude-path", "/api/v1/auth/logout",
                           # The live alert stream never ends on its own: fuzzing it would only wait out the time limit.
                           "--exclude-path", "/api/v1/alerts/stream",
                           "--max-examples", "25", "--workers", "1", "--phases", "examples,coverage,fuzzing", "--max-time", "60",
                           "--suppress-health-check", "all"], capture_output=True, text=True)
    print(fuzz.stdout[-3000:])
    checks.expect(fuzz.returncode == 0, "schemathesis finds no server error")

    server.terminate()
    server.wait(timeout=20)
    verified = subprocess.run([binary, "verify", "--data", data, "--json"], capture_output=True, text=True)
    report = json.loads(verified.stdout or "{}")
    checks.expect(verified.returncode == 0 and report.get("ok") and report.get("auditEvents", 0) >= 5,
                  f"the archive verifies, audit events included ({report.get('auditEvents')} events)")
    if checks.failures:
        print(f"{len(checks.failures)} browser/API checks failed; server log in {folder}/serve.log")
        sys.exit(1)
    shutil.rmtree(folder, ignore_errors=True)
    print("browser and API checks passed")


if __name__ == "__main__":
    main()
