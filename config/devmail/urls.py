from django.urls import path

from config.devmail import views

app_name = "devmail"
urlpatterns = [
    path("", views.mail_index, name="list"),
    path("<str:mail_id>/", views.mail_detail, name="detail"),
    path("<str:mail_id>/html/", views.mail_html, name="html"),
]
