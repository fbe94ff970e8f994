import { BoardPage } from './pages/BoardPage'
import { HomePage } from './pages/HomePage'
import { LabPage } from './pages/LabPage'
import { NotFoundPage } from './pages/NotFoundPage'
import { useRoute } from './router'

export function App() {
  const { route, visit } = useRoute()
  switch (route.page) {
    case 'home':
      return <HomePage />
    case 'lab':
      return <LabPage key={`${route.labId}:${visit}`} labId={route.labId} />
    case 'board':
      return <BoardPage key={`${route.boardId}:${visit}`} boardId={route.boardId} />
    case 'not-found':
      return <NotFoundPage />
  }
}
