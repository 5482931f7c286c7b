"""A person's notifications: kept until read, counted in the header, each leading to its subject."""

from django.urls import reverse

from accounts.models import Notification
from accounts.services import notifications_send


def test_notifications_are_listed_counted_and_opened(client, grid_worker, colleague, site):
    notifications_send(
        user_ids=[grid_worker.pk], kind="hazard_overdue", title="逾期隐患：望江兰庭便利店", link=site.get_absolute_url()
    )
    notifications_send(user_ids=[colleague.pk], kind="hazard_overdue", title="别人的通知")
    client.force_login(grid_worker)
    page = client.get(reverse("notifications")).content.decode()
    assert "逾期隐患：望江兰庭便利店" in page and "别人的通知" not in page
    assert 'badge badge-unread">1<' in page

    notification = Notification.objects.get(user=grid_worker)
    response = client.get(reverse("notification-open", args=[notification.pk]))
    assert response.status_code == 302 and response.url == site.get_absolute_url()
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert 'badge badge-unread">' not in client.get(reverse("notifications")).content.decode()


def test_another_persons_notification_is_404_and_stays_unread(client, grid_worker, colleague):
    [theirs] = notifications_send(user_ids=[colleague.pk], kind="x", title="别人的通知")
    client.force_login(grid_worker)
    assert client.get(reverse("notification-open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read(client, grid_worker):
    notifications_send(user_ids=[grid_worker.pk], kind="x", title="一")
    notifications_send(user_ids=[grid_worker.pk], kind="x", title="二")
    client.force_login(grid_worker)
    client.post(reverse("notifications-read"))
    assert not Notification.objects.filter(user=grid_worker, read_at__isnull=True).exists()


def test_inactive_people_get_no_notification(grid_worker, colleague):
    colleague.is_active = False
    colleague.save(update_fields=["is_active"])
    sent = notifications_send(user_ids=[grid_worker.pk, colleague.pk], kind="x", title="一")
    assert [notification.user_id for notification in sent] == [grid_worker.pk]
