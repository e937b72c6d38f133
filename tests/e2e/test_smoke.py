from tests.support.browser import DESKTOP, PHONE, assert_accessible


def test_home_page_loads_cleanly_at_desktop_and_phone_widths(page):
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        response = page.goto("/")
        assert response.status == 200
        assert page.get_by_role("heading", level=1).is_visible()
        assert page.get_by_label("Search the help").count() == 1
        assert_accessible(page, f"home at {size['width']}px")
    assert page.console_errors == []


def test_skip_link_moves_keyboard_focus_to_the_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
