"""Viewing cameras (through the logged gate), access grants and the access log."""

from django.urls import path

from cameras.views import accesslog, grants, viewing

urlpatterns = [
    path("<int:pk>/", viewing.camera_detail, name="detail"),
    path("<int:pk>/frame.jpg", viewing.live_frame, name="frame"),
    path("<int:pk>/reference.jpg", viewing.reference_frame, name="reference"),
    path("<int:pk>/capture/", viewing.capture_now, name="capture"),
    path("<int:pk>/snapshots/", viewing.snapshot_list, name="snapshots"),
    path("<int:pk>/snapshots/<int:snapshot_pk>/", viewing.snapshot_detail, name="snapshot"),
    path("<int:pk>/snapshots/<int:snapshot_pk>/image.jpg", viewing.snapshot_image, name="snapshot_image"),
    path("<int:pk>/snapshots/<int:snapshot_pk>/thumbnail.jpg", viewing.snapshot_thumbnail,
         name="snapshot_thumbnail"),
    path("grants/", grants.GrantListView.as_view(), name="grants"),
    path("grants/new/", grants.GrantRequestView.as_view(), name="grant_create"),
    path("grants/<int:pk>/", grants.GrantDetailView.as_view(), name="grant"),
    path("grants/<int:pk>/approve/", grants.GrantApproveView.as_view(), name="grant_approve"),
    path("grants/<int:pk>/reject/", grants.GrantRejectView.as_view(), name="grant_reject"),
    path("grants/<int:pk>/revoke/", grants.GrantRevokeView.as_view(), name="grant_revoke"),
    path("grants/<int:pk>/withdraw/", grants.GrantWithdrawView.as_view(), name="grant_withdraw"),
    path("access-log/", accesslog.AccessLogView.as_view(), name="accesslog"),
    path("access-log/export.csv", accesslog.AccessLogExportView.as_view(), name="accesslog_export"),
]
