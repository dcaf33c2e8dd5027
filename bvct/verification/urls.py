from django.urls import path

from bvct.verification import views

app_name = "requests"
urlpatterns = [
    path("", views.outgoing, name="outgoing"),
    path("incoming/", views.incoming, name="incoming"),
    path("stats/", views.stats, name="stats"),
    path("bodies/", views.bodies, name="bodies"),
    path("new/<int:pk>/", views.request_new, name="request-new"),
    path("reuse/<int:pk>/", views.reuse, name="reuse"),
    path("<int:pk>/", views.request_detail, name="request-detail"),
    path("<int:pk>/consent/", views.request_consent, name="request-consent"),
    path("<int:pk>/withdraw/", views.request_withdraw, name="request-withdraw"),
    path("<int:pk>/receive/", views.request_receive, name="request-receive"),
    path("<int:pk>/assign/", views.request_assign, name="request-assign"),
    path("<int:pk>/reply/", views.request_reply, name="request-reply"),
    path("<int:pk>/issue/", views.request_issue, name="request-issue"),
    path("<int:pk>/letter/", views.request_letter, name="letter"),
    path("<int:pk>/reply-document/", views.reply_document, name="reply-document"),
]
