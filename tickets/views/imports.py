"""imports"""

urlpatterns = []
