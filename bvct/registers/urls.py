from django.urls import path

from bvct.registers import views

app_name = "registers"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.entry_new, name="entry-new"),
    path("search/", views.search, name="search"),
    path("expiry/", views.expiry, name="expiry"),
    path("report/", views.report, name="report"),
    path("<int:pk>/", views.register_detail, name="register"),
    path("<int:pk>/export/", views.register_export, name="register-export"),
    path("<int:pk>/lock/", views.register_lock, name="register-lock"),
    path("entries/<int:pk>/", views.entry_detail, name="entry"),
    path("entries/<int:pk>/amend/", views.entry_amend, name="entry-amend"),
    path("entries/<int:pk>/cancel/", views.entry_cancel, name="entry-cancel"),
    path("entries/<int:pk>/receipt/", views.entry_receipt, name="entry-receipt"),
    path("entries/<int:pk>/authorise/", views.entry_authorise, name="entry-authorise"),
    path("entries/<int:pk>/copy/", views.entry_copy, name="entry-copy"),
    path("entries/<int:pk>/handover/", views.entry_handover, name="entry-handover"),
    path("entries/<int:pk>/protection/", views.entry_protection, name="entry-protection"),
]
