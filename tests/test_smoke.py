"""The app starts and serves its public pages."""


def test_welcome_page_is_indonesian(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="id">' in response.get_data(as_text=True)


def test_admin_can_log_in(login_as):
    browser, user = login_as("admin")
    page = browser.get("/admin/pengguna")
    assert page.status_code == 200
    assert user.nip in page.get_data(as_text=True)
