"""A headless Chromium (Debian's chromium and chromium-driver, installed by `make test`)
driven through WebDriver (selenium), for the web console's tests. Its calls block, so
the tests run them in a thread: the event loop keeps reading AMI and the phones."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
T = TypeVar("T")


class Browser:
    def __init__(self, base: str, screenshots: Path) -> None:
        self.base = base
        self.screenshots = screenshots
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--window-size=1400,1000"):  # fmt: skip
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "SEVERE"})  # scripts' errors
        self.driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
        self._refused: list[str] = []  # requests the test made expecting a refusal

    def close(self) -> None:
        self.driver.quit()

    async def run(self, action: Callable[[], T]) -> T:
        return await asyncio.to_thread(action)

    async def open(self, path: str) -> None:
        await self.run(lambda: self.driver.get(self.base + path))

    async def log_in(self, user: str, password: str, then: str = "/wallboard") -> None:
        await self.open(f"/login?next={then}")

        def fill() -> None:
            self.driver.find_element(By.ID, "user").send_keys(user)
            self.driver.find_element(By.ID, "password").send_keys(password)
            self.driver.find_element(By.ID, "submit").click()

        await self.run(fill)
        await self.until(lambda: self.driver.current_url.endswith(then), f"the page {then}")
        await self.text("#who")  # the page asked the API who is logged in

    async def click(self, css: str) -> None:
        await self.until(lambda: self._click(css), f"a clickable {css}")

    def _click(self, css: str) -> bool:
        found = self.driver.find_elements(By.CSS_SELECTOR, css)
        if not found:
            return False
        found[0].click()
        return True

    async def text(self, css: str, timeout_s: float = 10) -> str:
        """The element's text, once it exists and has some."""

        def read() -> str | None:
            found = self.driver.find_elements(By.CSS_SELECTOR, css)
            return found[0].text or None if found else None

        return await self.until(read, css, timeout_s)

    async def until(self, condition: Callable[[], T | None], what: str, timeout_s: float = 10) -> T:
        """Polls the page (the DOM has no event a test can await from here) until
        ``condition`` gives something, a re-render meanwhile included."""
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                value = await self.run(condition)
            except StaleElementReferenceException:  # redrawn between find and read
                value = None
            if value:
                return value
            if time.monotonic() > deadline:
                errors = await self.run(self.console_errors)
                raise AssertionError(
                    f"the page never showed {what} within {timeout_s} s; its scripts' "
                    f"errors: {errors or 'none'}"
                )
            await asyncio.sleep(0.05)

    async def fetch(self, method: str, path: str, headers: dict[str, str] | None = None) -> Any:
        """A request from the page's own script (its cookie goes with it): the status and
        the JSON body."""
        script = """
            const [method, path, headers, done] = arguments;
            fetch(path, {method, headers, credentials: "same-origin"})
              .then(async (r) => done([r.status, await r.text()]));
        """
        status, body = await self.run(
            lambda: self.driver.execute_async_script(script, method, path, headers or {})
        )
        if status >= 400:  # the browser logs it as an error: the test's own, not the pages'
            self._refused.append(self.base + path)
        return status, json.loads(body)

    async def screenshot(self, name: str) -> Path:
        path = self.screenshots / f"{name}.png"
        self.screenshots.mkdir(parents=True, exist_ok=True)
        ok = await self.run(lambda: self.driver.save_screenshot(str(path)))
        assert ok, f"no screenshot {path}"
        return path

    def assert_no_script_errors(self) -> None:
        """While the server still runs: nothing the pages did failed."""
        errors = self.console_errors()
        assert not errors, f"the pages' scripts failed: {errors}"

    def console_errors(self) -> list[str]:
        try:
            logs: list[dict[str, Any]] = self.driver.get_log("browser")  # type: ignore[no-untyped-call]
        except WebDriverException:
            return []
        return [
            entry["message"]
            for entry in logs
            if entry.get("level") == "SEVERE"
            and not any(entry["message"].startswith(url + " ") for url in self._refused)
        ]
