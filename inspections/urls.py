from django.urls import path

from . import views

app_name = "inspections"

# The phone's pages (my tasks, the checklist) are in inspections.phone_urls.
urlpatterns = [
    path("", views.inspection_list_page, name="inspection-list"),
    path("export.xlsx", views.inspection_export, name="inspection-export"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/sites/", views.coverage_site_list, name="coverage-sites"),
    path("campaigns/", views.campaign_list_page, name="campaign-list"),
    path("campaigns/new/", views.CampaignFormView.as_view(), name="campaign-create"),
    path("campaigns/<int:pk>/edit/", views.CampaignFormView.as_view(), name="campaign-edit"),
    path("campaigns/<int:pk>/close/", views.campaign_close, name="campaign-close"),
    path("<uuid:pk>/", views.inspection_detail, name="inspection-detail"),
    path("<uuid:pk>.pdf", views.inspection_pdf, name="inspection-pdf"),
    path("<uuid:pk>/photos/<uuid:photo>/", views.inspection_photo, name="inspection-photo"),
]
