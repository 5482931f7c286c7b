from django.urls import path

from . import views

app_name = "hazards"

urlpatterns = [
    path("", views.hazard_list_page, name="hazard-list"),
    path("new/", views.HazardRaiseView.as_view(), name="hazard-raise"),
    path("export.xlsx", views.hazard_export, name="hazard-export"),
    path("statistics/", views.hazard_statistics_page, name="statistics"),
    path("risk-rules/", views.risk_rules, name="risk-rules"),
    path("notices/<int:pk>.pdf", views.notice_pdf, name="notice-pdf"),
    path("sites/<int:site_pk>/factors/", views.site_risk_factor_add, name="factor-add"),
    path("factors/<int:pk>/<str:action>/", views.site_risk_factor_change, name="factor-change"),
    path("<int:pk>/", views.hazard_detail, name="hazard-detail"),
    path("<int:pk>/photos/<uuid:photo>/", views.hazard_photo, name="hazard-photo"),
    path("<int:pk>/<str:step>/", views.HazardStepView.as_view(), name="hazard-step"),
]
