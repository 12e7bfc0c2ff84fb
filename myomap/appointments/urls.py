from django.urls import path

from myomap.appointments import (
    booking_views,
    course_views,
    feed_views,
    setup_views,
    views,
    waitlist_views,
)

app_name = "appointments"
A = "clients/<int:patient_id>/appointments/<int:appointment_id>/"
W = "clients/<int:patient_id>/waitlist/<int:entry_id>/"
R = "clients/<int:patient_id>/booking-requests/<int:request_id>/"
urlpatterns = [
    path("today/", views.today, name="today"),
    path("calendar/", views.day, name="day"),
    path("calendar/week/", views.week, name="week"),
    path("calendar/free/", views.free, name="free"),
    path("calendar/book/", views.book, name="book"),
    path("calendar/types/default/", views.types_default, name="types_default"),
    path("calendar/setup/", setup_views.setup, name="setup"),
    path("calendar/setup/hours/", setup_views.hours, name="setup_hours"),
    path("calendar/setup/types/", setup_views.types, name="setup_types"),
    path("calendar/setup/places/", setup_views.places, name="setup_places"),
    path("calendar/setup/blocks/", setup_views.blocks, name="setup_blocks"),
    path("calendar/setup/reminders/", setup_views.reminder_policy, name="setup_reminders"),
    path("calendar/feed/", feed_views.feed_page, name="feed"),
    path("calendar/feed/revoke/", feed_views.feed_revoke_view, name="feed_revoke"),
    path("f/<str:token>.ics", feed_views.feed_ics_view, name="feed_ics"),
    path("clients/<int:patient_id>/course/", course_views.book_course, name="course"),
    path(A, views.detail, name="detail"),
    path(f"{A}move/", views.move, name="move"),
    path(f"{A}cancel/", views.cancel, name="cancel"),
    path(f"{A}mark/", views.mark, name="mark"),
    path(f"{A}start/", views.start, name="start"),
    # the waitlist
    path("calendar/waitlist/", waitlist_views.waitlist, name="waitlist"),
    path(
        "clients/<int:patient_id>/waitlist/new/", waitlist_views.waitlist_new, name="waitlist_new"
    ),
    path(W + "book/", waitlist_views.waitlist_book_view, name="waitlist_book"),
    path(W + "remove/", waitlist_views.waitlist_remove_view, name="waitlist_remove"),
    # booking requests from the client's link
    path("calendar/requests/", booking_views.requests_page, name="requests"),
    path(R + "book/", booking_views.request_book, name="request_book"),
    path(R + "decline/", booking_views.request_decline, name="request_decline"),
]
