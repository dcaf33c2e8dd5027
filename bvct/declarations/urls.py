from django.urls import path

from bvct.declarations import views

app_name = "declarations"
urlpatterns = [
    # member portal: the member's own record, never a pk
    path("my/", views.my_declaration, name="my-declaration"),
    path("my/start/", views.my_declaration_start, name="my-declaration-start"),
    path("my/submit/", views.my_declaration_submit, name="my-declaration-submit"),
    path("my/history/", views.my_history, name="my-history"),
    # staff: the versions of a person in the actor's jurisdiction
    path("people/<int:pk>/", views.declaration_list, name="declaration-list"),
    path("people/<int:pk>/start/", views.declaration_start, name="declaration-start"),
    path("people/<int:pk>/compare/", views.declaration_compare, name="declaration-compare"),
    path("<int:pk>/", views.declaration_detail, name="declaration-detail"),
    path("<int:pk>/edit/", views.declaration_edit, name="declaration-edit"),
    path("<int:pk>/submit/", views.declaration_submit, name="declaration-submit"),
]
