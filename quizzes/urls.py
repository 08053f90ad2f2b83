from django.urls import path

from . import views

app_name = "quizzes"

urlpatterns = [
    path("quizzes/attempts/<uuid:pk>/", views.attempt_page, name="attempt"),
    path("quizzes/attempts/<uuid:pk>/answer/", views.save_answer_view, name="answer"),
    path("quizzes/attempts/<uuid:pk>/submit/", views.submit_view, name="submit"),
    path("quizzes/attempts/<uuid:pk>/review/", views.review_view, name="review"),
    path("quizzes/attempts/<uuid:pk>/result/", views.result_page, name="result"),
    path("quizzes/<slug:slug>/", views.quiz_page, name="quiz"),
    path("quizzes/<slug:slug>/start/", views.start_view, name="start"),
]
