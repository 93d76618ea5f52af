"""Pages of the camera registry: list, register, import, edit, delete, privacy (masks, private area), the wall."""

from django.urls import path

from cameras.views import imports, registry, wall

urlpatterns = [
    path("", registry.CameraListView.as_view(), name="list"),
    path("new/", registry.CameraCreateView.as_view(), name="create"),
    path("import/", imports.CameraImportView.as_view(), name="import"),
    path("import/template.csv", imports.import_template, name="import_template"),
    path("wall/", wall.wall, name="wall"),
    path("wall/tiles.json", wall.wall_tiles, name="wall_tiles"),
    path("<int:pk>/edit/", registry.CameraUpdateView.as_view(), name="edit"),
    path("<int:pk>/delete/", registry.CameraDeleteView.as_view(), name="delete"),
    path("<int:pk>/masks/", registry.CameraMasksView.as_view(), name="masks"),
    path("<int:pk>/private-area/", registry.CameraPrivateAreaView.as_view(), name="private_area"),
]
