# MiniPester self-test: every It must pass (RunnerMetaTests). Mirrors Pester 5 behaviour.
BeforeAll {
    $fileLevel = 'file'
}

Describe 'Scoping' {
    BeforeAll {
        $outer = 'outer'
        $counter = 0
    }
    BeforeEach {
        $each = 'each'
    }
    It 'sees file-level and block BeforeAll variables' {
        $fileLevel | Should -Be 'file'
        $outer | Should -Be 'outer'
        $each | Should -Be 'each'
    }
    It 'does not leak variables from one It to the next' {
        $leak = 'set here'
        $leak | Should -Be 'set here'
    }
    It 'runs in a fresh scope' {
        $leak | Should -BeNullOrEmpty
    }
    Context 'nested' {
        BeforeAll {
            $inner = "$outer/inner"
        }
        It 'sees outer and inner BeforeAll' {
            $inner | Should -Be 'outer/inner'
        }
    }
    It 'does not see a nested block''s BeforeAll' {
        $inner | Should -BeNullOrEmpty
    }
    It 'has a TestDrive' {
        $TestDrive | Should -Exist
        [System.IO.File]::WriteAllText("$TestDrive/a.txt", 'x')
        "$TestDrive/a.txt" | Should -Exist
        "$TestDrive/missing.txt" | Should -Not -Exist
    }
}

Describe 'Discovery-time variables' {
    $discoveryOnly = 'discovery'
    It 'are not visible when tests run' {
        $discoveryOnly | Should -BeNullOrEmpty
    }
    It 'binds test cases to variables and params' -TestCases @(@{ a = 1; b = 2; sum = 3 }, @{ a = 2; b = 2; sum = 4 }) {
        param($a, $b, $sum)
        ($a + $b) | Should -Be $sum
        $sum | Should -BeGreaterThan 2
    }
}

Describe 'Operators' {
    It '-Be compares like -eq (case-insensitive, converting)' {
        'ABC' | Should -Be 'abc'
        '1' | Should -Be 1
        1, 2, 3 | Should -Be @(1, 2, 3)
        @(1, 2) | Should -Not -Be @(1, 2, 3)
        $null | Should -Be $null
        '' | Should -Not -Be $null
    }
    It '-BeExactly is case-sensitive' {
        'abc' | Should -BeExactly 'abc'
        'ABC' | Should -Not -BeExactly 'abc'
    }
    It '-BeNullOrEmpty' {
        $null | Should -BeNullOrEmpty
        '' | Should -BeNullOrEmpty
        @() | Should -BeNullOrEmpty
        , @() | Should -BeNullOrEmpty
        0 | Should -Not -BeNullOrEmpty
    }
    It '-BeTrue / -BeFalse' {
        $true | Should -BeTrue
        1 | Should -BeTrue
        $false | Should -BeFalse
        0 | Should -BeFalse
        $false | Should -Not -BeTrue
    }
    It '-BeOfType with a type or a type name' {
        1 | Should -BeOfType [int]
        1 | Should -BeOfType System.Int32
        'x' | Should -BeOfType ([string])
        [System.IO.FileInfo]::new('/x') | Should -BeOfType System.IO.FileSystemInfo
        1 | Should -Not -BeOfType [string]
    }
    It 'comparisons' {
        5 | Should -BeGreaterThan 4
        5 | Should -BeLessThan 6
        5 | Should -BeGreaterOrEqual 5
        5 | Should -BeLessOrEqual 5
        5 | Should -Not -BeGreaterThan 5
    }
    It '-Match / -Contain / -HaveCount' {
        'offset 123' | Should -Match 'offset \d+'
        'abc' | Should -Not -Match '^b'
        1, 2, 3 | Should -Contain 2
        1, 2, 3 | Should -Not -Contain 4
        1, 2, 3 | Should -HaveCount 3
        @() | Should -HaveCount 0
        $null | Should -HaveCount 0
        'one' | Should -HaveCount 1
    }
    It '-Throw with message, ErrorId, type and PassThru' {
        { throw 'bad thing' } | Should -Throw
        { throw 'bad thing' } | Should -Throw -ExpectedMessage 'bad*'
        { throw 'bad thing' } | Should -Throw '*thing'
        { 1 } | Should -Not -Throw
        { [int]::Parse('x') } | Should -Throw -ExceptionType ([System.Management.Automation.MethodInvocationException])
        $e = { Test-FilFilCar -LiteralPath '/nope.car' -ErrorAction Stop } | Should -Throw -ErrorId 'Test-FilFilCar.FileNotFound' -PassThru
        $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
    It 'a failed Should throws with the Pester message' {
        { 1 | Should -Be 2 } | Should -Throw -ExpectedMessage 'Expected 2, but got 1.'
        { 1 | Should -Not -Be 1 } | Should -Throw -ExpectedMessage 'Expected 1 to be different*'
        { 'a' | Should -Be 'b' -Because 'reasons' } | Should -Throw -ExpectedMessage '*Because: reasons'
        { 1, 2 | Should -HaveCount 3 } | Should -Throw -ExpectedMessage 'Expected a collection with size 3*'
        { { } | Should -Throw } | Should -Throw -ExpectedMessage 'Expected an exception to be thrown, but no exception was thrown.'
    }
}

Describe 'Setup order' {
    BeforeAll {
        $log = [System.Collections.Generic.List[string]]::new()
    }
    BeforeEach { $log.Add('before') }
    AfterEach { $log.Add('after') }
    It 'first' { $log.Add('first') }
    It 'second sees BeforeEach and AfterEach of the first' {
        $log -join ',' | Should -Be 'before,first,after,before'
    }
}
